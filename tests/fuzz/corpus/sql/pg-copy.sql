--
-- PostgreSQL database dump
--
\restrict abc
SET standard_conforming_strings = on;
CREATE TABLE public.t (
    id integer NOT NULL,
    name text
);
COPY public.t (id, name) FROM stdin;
1	a\tb\\c
2	\N
3	\101\x41\n
\.

CREATE FUNCTION f() RETURNS int AS $body$ select 1; $body$ LANGUAGE sql;
