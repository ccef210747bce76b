CREATE TABLE t (a int, b text);
INSERT INTO t VALUES (1,'a'),2,(3,'c'),(4,'d');
COPY t (a, b) FROM stdin WITH (FORMAT csv);
5,e
6,f
\.
INSERT INTO t VALUES (7,'g');
