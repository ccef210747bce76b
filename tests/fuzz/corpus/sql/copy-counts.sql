COPY t FROM stdin;
a	b
c
\.
COPY u (x) FROM stdin WITH (FORMAT csv);
1,2
\.
