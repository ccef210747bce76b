CREATE TABLE public.film (
    film_id integer DEFAULT nextval('public.film_film_id_seq'::regclass) NOT NULL,
    title character varying(255) NOT NULL,
    key text,
    index integer,
    fulltext tsvector NOT NULL,
    special_features text[],
    unique boolean,
    check character varying(10),
    rating public.mpaa_rating DEFAULT 'G'::public.mpaa_rating,
    CONSTRAINT film_pk PRIMARY KEY (film_id),
    UNIQUE (title),
    CHECK (film_id > 0)
);
INSERT INTO public.film VALUES (1, 'ACADEMY DINOSAUR', 'k', 3, '''academi'':1 ''dinosaur'':2', '{"Deleted Scenes","Behind the Scenes"}', true, 'c', 'PG');
INSERT INTO public.film VALUES (2, 'ACE' 'S' -- adjacent literals
  ' HIGH', NULL, NULL, '''ace'':1', ARRAY['Trailers','Deleted Scenes', NULL], FALSE, E'tab\there', 'G'::public.mpaa_rating);
INSERT INTO public.film VALUES (3, 'E''s', 'k', - 5, 'x', ARRAY[]::text[], NULL, 'c', 'G'), (4, 'TS', 'k', + 7, 'y', NULL, NULL, 'c', 'R' COLLATE "C");
INSERT INTO public.film VALUES (5, 'neg', 'k', -(8), 'z', ARRAY[ARRAY[1,2],ARRAY[3,4]], NULL, to_timestamp('2020-01-02 03:04:05', 'YYYY-MM-DD HH24:MI:SS')::date, 'G');
