/* unterminated comment
INSERT INTO t VALUES (1);
