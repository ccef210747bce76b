-- MySQL dump of routines and data (mysql client script)
/*!40101 SET NAMES utf8mb4 */;
CREATE TABLE `t` (`id` int, `name` varchar(20), `pic` blob);
DELIMITER //
CREATE TRIGGER t_bi BEFORE INSERT ON t FOR EACH ROW
BEGIN
  INSERT INTO log VALUES (NEW.id, 'trigger; not data');
  IF NEW.id > 0 THEN SET NEW.name = 'x'; END IF;
END//
DELIMITER ;
INSERT INTO `t` VALUES (1,'one',NULL);
DELIMITER $$
CREATE PROCEDURE p()
BEGIN
  INSERT INTO t VALUES (99,'body',NULL);
  SELECT 'a $ b';
END $$
CREATE FUNCTION f() RETURNS INT DETERMINISTIC
BEGIN
  RETURN 1;
END $$
DELIMITER ;
INSERT INTO `t` VALUES (2,'two',_binary 'PNG'),(3,'three',X'00FF');
delimiter ;;
/*!50003 CREATE*/ /*!50017 DEFINER=`root`@`localhost`*/ /*!50003 TRIGGER `t2` AFTER INSERT ON `t` FOR EACH ROW INSERT INTO log VALUES (1) */;;
delimiter ;
INSERT INTO `t` VALUES (4,'four',0xFFD8FFE0);
INSERT INTO `t` VALUES (5,'raw blob','\0\0ÿØ\'\\x');
