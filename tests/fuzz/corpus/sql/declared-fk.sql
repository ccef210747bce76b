CREATE TABLE `clients` (
  `cust_no` int NOT NULL,
  `first_name` varchar(40),
  `last_name` varchar(40),
  `email` varchar(60),
  PRIMARY KEY (`cust_no`)
);
CREATE TABLE `phones` (
  `n` int NOT NULL,
  `owner` int NOT NULL,
  `phone` varchar(20),
  PRIMARY KEY (`n`),
  CONSTRAINT `phones_owner` FOREIGN KEY (`owner`) REFERENCES `clients` (`cust_no`)
);
CREATE TABLE notes (n int, about int references shop.clients (cust_no), passport varchar(12));
INSERT INTO `clients` VALUES (101,'Нурлан','Ахметов','n1@mail.kz'),(102,'Мария','Иванова','m2@mail.kz'),(103,'Ерлан','Сериков','e3@mail.kz');
INSERT INTO `phones` VALUES (1,101,'+7 701 234 5678'),(2,102,'+7 702 111 2233'),(3,103,'+7 705 999 8877');
INSERT INTO notes VALUES (1,101,'N12345678'),(2,103,'N87654321');
