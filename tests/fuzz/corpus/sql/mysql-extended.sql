-- MySQL dump 10.13
/*!40101 SET NAMES utf8 */;
CREATE TABLE `users` (
  `id` int NOT NULL,
  `email` varchar(80) DEFAULT 'a,b',
  PRIMARY KEY (`id`),
  KEY `e` (`email`)
) ENGINE=InnoDB;
LOCK TABLES `users` WRITE;
INSERT INTO `users` VALUES (1,'a\'b\\c\n'),(2,NULL),(3,_binary '\0\Z'),(4,0xDEAD);
UNLOCK TABLES;
