SET standard_conforming_strings = on;
CREATE TABLE public.clients (
    cust_no integer NOT NULL,
    first_name character varying(40),
    last_name character varying(40),
    email character varying(60)
);
CREATE TABLE public.phones (
    n integer NOT NULL,
    owner integer NOT NULL,
    phone character varying(20)
);
COPY public.clients (cust_no, first_name, last_name, email) FROM stdin;
101	Нурлан	Ахметов	n1@mail.kz
102	Мария	Иванова	m2@mail.kz
103	Ерлан	Сериков	e3@mail.kz
\.
COPY public.phones (n, owner, phone) FROM stdin;
1	101	+7 701 234 5678
2	102	+7 702 111 2233
3	103	+7 705 999 8877
\.
ALTER TABLE ONLY public.clients
    ADD CONSTRAINT clients_pkey PRIMARY KEY (cust_no);
ALTER TABLE ONLY public.phones
    ADD CONSTRAINT phones_owner_fkey FOREIGN KEY (owner) REFERENCES public.clients(cust_no);
