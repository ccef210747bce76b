SET standard_conforming_strings = on;
INSERT INTO public."Users" ("id", "na""me") VALUES (1, 'a\b'), (2, E'x\ny\u00e9'), (3, '{1,2}'::integer[]) ON CONFLICT DO NOTHING;
CREATE FUNCTION g() RETURNS void AS $$ BEGIN INSERT INTO x VALUES (1); END; $$;
