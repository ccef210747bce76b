PRAGMA foreign_keys=OFF;
BEGIN TRANSACTION;
CREATE TABLE [t] ([a] TEXT, "b" BLOB, c REAL);
INSERT INTO t VALUES(replace(replace('x\ny\rz','\r',char(13)),'\n',char(10)),X'00ff41',1.5e10);
INSERT INTO "t" VALUES('it''s',NULL,-0.0);
COMMIT;
