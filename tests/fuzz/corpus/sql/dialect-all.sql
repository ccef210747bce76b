INSERT ALL
  INTO t (a, b) VALUES (1, 'x')
  INTO t (a, b) VALUES (2, 'y')
  INTO u VALUES (3)
SELECT * FROM dual;
INSERT INTO t (a,b) VALUES (4,'z');
