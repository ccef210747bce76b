/****** Object:  Table [dbo].[Person Data]    Script Date: 1/1/2020 ******/
SET ANSI_NULLS ON
GO
SET QUOTED_IDENTIFIER ON
GO
CREATE TABLE [dbo].[Person Data](
	[Id] [int] IDENTITY(1,1) NOT NULL,
	[Full Name] [nvarchar](100) NULL,
	[Born] [datetime] NULL,
	[Key] [nvarchar](10) NULL,
	[Total] AS ([Id]*(2)),
 CONSTRAINT [PK_Person] PRIMARY KEY CLUSTERED 
(
	[Id] ASC
)WITH (PAD_INDEX = OFF) ON [PRIMARY]
) ON [PRIMARY]
GO
SET IDENTITY_INSERT [dbo].[Person Data] ON 
GO
INSERT [dbo].[Person Data] ([Id], [Full Name], [Born], [Key]) VALUES (1, N'Әлия Қасымова', CAST(N'1985-03-07T00:00:00.000' AS DateTime), N'a]]b')
GO
INSERT [dbo].[Person Data] ([Id], [Full Name], [Born], [Key]) VALUES (2, N'O''Brien', CAST(0x00007A4E00A4CB80 AS DateTime), NULL)
INSERT [dbo].[Person Data] ([Id], [Full Name], [Born], [Key]) VALUES (3, N'C:\dir\', CONVERT(datetime, '03/07/1985', 101), N'x')
GO
SET IDENTITY_INSERT [dbo].[Person Data] OFF
GO
IF NOT EXISTS (SELECT 1 FROM sys.objects WHERE name = N'x;y')
BEGIN
	INSERT [dbo].[Person Data] ([Id], [Full Name], [Born]) VALUES (4, N'in a block', CAST(N'2001-02-03' AS Date))
END
GO
CREATE PROCEDURE [dbo].[AddPerson] @name nvarchar(100)
AS
BEGIN
	SET NOCOUNT ON;
	INSERT INTO [dbo].[Person Data] ([Full Name]) VALUES (@name);
END
GO
CREATE VIEW [dbo].[v] AS
SELECT [Id] FROM [dbo].[Person Data]
INSERT INTO x VALUES (1)
GO
INSERT INTO [dbo].[Person Data] ([Id], [Full Name]) VALUES (5, N'after the procedure'), (6, N'multi-row')
GO 2
INSERT INTO #tmp ([a]) VALUES (7)
go
