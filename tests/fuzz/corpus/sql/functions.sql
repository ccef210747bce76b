INSERT INTO t VALUES (now(), CONCAT('a', (1+2)), TRUE, DEFAULT, -1.5e-3, .5, N'x', b'0101', _utf8mb4'y');
