"""Oʻzbekcha (lotin) xabarlar katalogi."""

MESSAGES: dict[str, str] = {
    "language.name": "Oʻzbekcha",
    "welcome": "Assalomu alaykum, <b>{name}</b>! Men boshqaruv kompaniyasining botiman.\n"
    "Bu yerda taʼmirlash uchun ariza berish va uni kuzatish mumkin.",
    "welcome.role": "Sizning rolingiz: <b>{role}</b>.",
    "menu.prompt": "Asosiy menyu. Amalni tanlang:",
    "menu.placeholder": "Menyu bandini tanlang",
    "button.new_request": "📝 Yangi ariza",
    "button.my_requests": "📋 Mening arizalarim",
    "button.my_tasks": "🛠 Mening vazifalarim",
    "button.available_requests": "🆕 Mavjud arizalar",
    "button.all_requests": "📋 Barcha arizalar",
    "button.unassigned": "📥 Ijrochisiz",
    "button.statistics": "📊 Statistika",
    "button.users": "👥 Foydalanuvchilar",
    "button.language": "🌐 Til",
    "button.help": "❓ Yordam",
    "role.applicant": "yashovchi",
    "role.executor": "ijrochi",
    "role.manager": "menejer",
    "role.admin": "administrator",
    "help.common": "<b>Buyruqlar</b>\n/start — boshlash\n/menu — asosiy menyu\n"
    "/language — tilni oʻzgartirish\n"
    "/cancel — joriy amalni bekor qilish\n/help — ushbu yordam",
    "help.applicant": "«📝 Yangi ariza» tugmasi bilan ariza bering, «📋 Mening arizalarim» boʻlimida "
    "holatini kuzating.",
    "help.executor": "«🆕 Mavjud arizalar» boʻlimida mutaxassisligingiz boʻyicha arizalarni oling, "
    "«🛠 Mening vazifalarim» — sizning arizalaringiz.",
    "help.manager": "Ijrochilarni tayinlang, arizalar va statistikani kuzating.",
    "help.admin": "Sizga menejerning barcha imkoniyatlari va foydalanuvchilarni boshqarish ochiq.",
    "help.in_state": "Hozir siz amalni bajarayapsiz. Uni toʻxtatish uchun /cancel yuboring.",
    "language.prompt": "Tilni tanlang:",
    "language.changed": "Til oʻzgartirildi: {language}.",
    "cancel.done": "Amal bekor qilindi.",
    "cancel.nothing": "Hozir bekor qilinadigan amal yoʻq.",
    "ratelimit.messages": "Xabarlar juda koʻp. {seconds} soniya kutib, qayta urinib koʻring.",
    "ratelimit.commands": "Buyruqlar juda koʻp. {seconds} soniya kuting.",
    "backend.unavailable": "Xizmat vaqtincha ishlamayapti. Birozdan soʻng urinib koʻring — "
    "kiritilgan maʼlumotlar saqlangan.",
    "account.pending": "Hisobingiz menejer tasdigʻini kutmoqda. Faollashganda xabar beramiz.",
    "account.blocked": "Hisobingiz bloklangan. Boshqaruv kompaniyasiga murojaat qiling.",
    "unknown.message": "Xabarni tushunmadim. /menu ni oching yoki /help yuboring.",
    "feature.soon": "Bu boʻlim tez orada paydo boʻladi.",
    "button.stale": "Bu tugma eskirgan. /menu ni oching.",
    "error.generic": "Nimadir xato ketdi. Qayta urinib koʻring.",
}
