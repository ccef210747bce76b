CREATE TABLE [dbo].[T] ([a] int, [b] nvarchar(10), [c] datetime)
GO
INSERT INTO [dbo].[T] ([a], [b], [c])
SELECT 1, N'x', '2001-01-01' UNION ALL
SELECT 2 AS a, N'y' AS b, NULL c UNION ALL
SELECT 3, N'z' + N'!', NULL
GO
INSERT INTO T (a, b) SELECT 4, 'w' FROM dual UNION SELECT 5, 'v' FROM DUAL;
INSERT INTO T (a, b) SELECT a, b FROM other;
INSERT INTO T (a, b) VALUES (6, 'u');
