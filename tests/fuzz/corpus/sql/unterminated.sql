INSERT INTO t VALUES (1,'unterminated
