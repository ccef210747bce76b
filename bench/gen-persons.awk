# Person-like CSV rows for benchmarks: Cyrillic names, IIN-shaped numbers,
# phones, emails, dates, addresses. Deterministic (srand(seed)).
# usage: awk -v rows=N -v seed=S -f gen-persons.awk
BEGIN {
	srand(seed ? seed : 1)
	ns = split("Ахметов Иванов Сейткали Нұрланов Петрова Смирнов Жақсыбеков Ким Омарова Беков Тулегенов Кузнецова", sur, " ")
	nf = split("Нурлан Айгерим Ерлан Мария Асель Дмитрий Данияр Әлия Сергей Гүлнар Арман Ольга", fir, " ")
	nc = split("Алматы Астана Шымкент Караганда Актобе Тараз Павлодар Семей", city, " ")
	nd = split("mail.ru gmail.com inbox.kz yandex.kz list.ru", dom, " ")
	print "id,iin,full_name,birth_date,phone,email,city,address"
	for (i = 1; i <= rows; i++) {
		y = 50 + int(rand() * 50); m = 1 + int(rand() * 12); d = 1 + int(rand() * 28)
		iin = sprintf("%02d%02d%02d%d%05d", y, m, d, 3 + int(rand() * 2), int(rand() * 100000))
		printf "%d,%s,%s %s,%02d.%02d.19%02d,+7 7%02d %03d %04d,user%d@%s,%s,\"%s, ул. Абая %d, кв. %d\"\n", \
			i, iin, sur[1 + int(rand() * ns)], fir[1 + int(rand() * nf)], d, m, y, \
			int(rand() * 100), int(rand() * 1000), int(rand() * 10000), i, dom[1 + int(rand() * nd)], \
			city[1 + int(rand() * nc)], city[1 + int(rand() * nc)], 1 + int(rand() * 200), 1 + int(rand() * 300)
	}
}
