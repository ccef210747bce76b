SET DEFINE OFF;
PROMPT Loading PEOPLE
REM INSERTING into PEOPLE
conn c##app/app
CREATE TABLE "APP"."PEOPLE" 
   (	"ID" NUMBER(10,0), 
	"NAME" VARCHAR2(100 BYTE), 
	"BORN" DATE, 
	"NOTE" VARCHAR2(200)
   ) SEGMENT CREATION IMMEDIATE TABLESPACE "USERS" ;
Insert into APP.PEOPLE (ID,NAME,BORN,NOTE) values (1,'R'||chr(38)||'B',to_date('1962-2-18 00:00:00','yyyy-mm-dd hh24:mi:ss'),q'[it's]');
Insert into APP.PEOPLE (ID,NAME,BORN,NOTE) values (2,'Jo'||'hn',to_date('18-FEB-62','DD-MON-RR'),unistr('\00c9cole'));
Insert into APP.PEOPLE (ID,NAME,BORN,NOTE) values (3,'Null '||NULL,TO_TIMESTAMP('2019-01-01 10:20:30.500','YYYY-MM-DD HH24:MI:SS.FF'),DATE '2020-05-06');
Insert into APP.PEOPLE (ID,NAME,BORN,NOTE) values (4,'Raw',SYSDATE,nextval('x'));
Insert into APP.PEOPLE (ID,NAME,BORN,NOTE) values (5,'Bad date',to_date('1962-13-45','yyyy-mm-dd'),'kept as written');
CREATE OR REPLACE PROCEDURE add_person(p_name VARCHAR2) IS
  v_id NUMBER;
BEGIN
  INSERT INTO PEOPLE (ID, NAME) VALUES (99, p_name);
  COMMIT;
END;
/
BEGIN
  INSERT INTO PEOPLE (ID, NAME) VALUES (98, 'in a block');
END;
/
Insert into APP.PEOPLE (ID,NAME,BORN,NOTE) values (6,'after',null,'x');
commit;
