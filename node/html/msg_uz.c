/* paxta — the pages' messages in Uzbek (Latin script) (msg.h). */
#include "msg.h"

const char *const px_msg_uz[PX_MSG_COUNT] = {
	[PX_M_AS_OF] = "Holat sanasi",
	[PX_M_BUNDLE] = "Isbot toʻplami",
	[PX_M_BY] = "Muallif",
	[PX_M_CANNOT_READ] = "Tugun bu partiyani oʻqiy olmaydi.",
	[PX_M_CHART_HELP] =
		"Yuqorida fermer xoʻjaliklari, pastda partiya: har bir bosqich "
		"bir qator, har bir quti — mahsuloti, massasi va ishlab "
		"chiqaruvchisi bilan bitta partiya. Joʻnatmalar partiyalarni "
		"oʻzgartirmay koʻchiradi. Kelib chiqish joylari maqomiga koʻra "
		"rangda; muammoli paxtaning yoʻli qizil rangda.",
	[PX_M_CHART_TITLE] = "Fermer xoʻjaliklaridan boshlangan oqim sxemasi",
	[PX_M_CHART_TOO_LARGE] = "Chizish uchun zanjirda partiyalar juda koʻp "
				 "(JSON koʻrinishidagi kelib chiqish grafigida "
				 "hammasi bor); eng koʻpi:",
	[PX_M_CHECKPOINT_OF] = "imzolangan nazorat nuqtasi, jurnal hajmi",
	[PX_M_CHECK_EXIT] =
		"verify-bundle uchun na reyestr, na tarmoq kerak: u har bir "
		"imzoni, nazorat nuqtasiga nisbatan har bir kiritilganlik "
		"isbotini, egalik zanjiri va massa balansini tekshiradi hamda "
		"xulosani qayta hisoblaydi. Hammasi tasdiqlansa va partiya "
		"toza boʻlsagina 0 kodi bilan tugaydi.",
	[PX_M_CHECK_PAGE_TEXT] =
		"Bu sahifa faqat koʻrinish. Uning ortida faqat qoʻshiladigan "
		"jurnaldagi imzolangan yozuvlar turadi; isbot toʻplamini "
		"yuklab oling va uni oflayn tekshiring.",
	[PX_M_CHECK_REPORT_TEXT] =
		"Bu hisobot faqat qoʻshiladigan jurnaldagi imzolangan "
		"yozuvlarning koʻrinishidir. Shu nazorat nuqtasidagi "
		"partiyaning isbot toʻplami hisobot tayangan har bir yozuvni "
		"kiritilganlik isboti bilan oʻz ichiga oladi; uni istalgan "
		"kishi qayta yaratib, oflayn tekshirishi mumkin.",
	[PX_M_CHECK_TITLE] = "Qanday tekshirish mumkin",
	[PX_M_CLAIMED_REGION] = "Daʼvo qilingan viloyat",
	[PX_M_DATE] = "Sana",
	[PX_M_DISPATCHED] = "Joʻnatilgan",
	[PX_M_DISTRICT] = "Tuman",
	[PX_M_DOC_ISSUER] = "Bergan tashkilot",
	[PX_M_DOC_NUMBER] = "Raqami",
	[PX_M_DOC_TYPE] = "Hujjat",
	[PX_M_ENTRIES] = "yozuvlar:",
	[PX_M_ENTRY] = "yozuv",
	[PX_M_FACILITY_FINDING] = "korxona boʻyicha xulosa",
	[PX_M_FARM] = "Fermer xoʻjaligi",
	[PX_M_FIND_LOT] = "Partiyani topish",
	[PX_M_FLAGGED_LOTS] = "muammoli:",
	[PX_M_FROM] = "Joʻnatuvchi",
	[PX_M_GENERATED] = "Yaratilgan",
	[PX_M_HARVESTED_BY] = "yetishtiruvchi:",
	[PX_M_HARVEST_LOT] = "Hosil partiyasi",
	[PX_M_HOLDER] = "Saqlovchi",
	[PX_M_HOLDERS_TITLE] = "Hozir kimda",
	[PX_M_INDICATORS] = "XMT koʻrsatkichlari",
	[PX_M_INPUTS] = "Sarflangan",
	[PX_M_LABS_TITLE] = "Laboratoriya natijalari",
	[PX_M_LAB_DOES_NOT_MATCH] = "mos kelmaydi",
	[PX_M_LAB_MATCHES] = "mos keladi",
	[PX_M_LAB_MISMATCH] = "laboratoriya nomuvofiqligi",
	[PX_M_LANDING_TEXT] =
		"Paxtaning fermer xoʻjaligidan kiyimgacha boʻlgan reyestri: "
		"har bir partiya, joʻnatma va monitor bayonoti faqat "
		"qoʻshiladigan jurnaldagi imzolangan yozuvdir. Paxta qayerdan "
		"kelgani va majburiy mehnatdan xoli ekanini koʻrish uchun "
		"partiya identifikatorini kiriting.",
	[PX_M_LATEST_CHECKPOINT] = "oxirgi imzolangan nazorat nuqtasi",
	[PX_M_LINEAGE_JSON] = "Kelib chiqish grafigi (JSON)",
	[PX_M_LOCATION] = "Joylashuv",
	[PX_M_LOT] = "Partiya",
	[PX_M_LOTS] = "partiyalar:",
	[PX_M_LOTS_IN_LINEAGE] = "zanjirdagi partiyalar:",
	[PX_M_LOTS_SENT] = "Joʻnatilgan partiyalar",
	[PX_M_LOT_ID] = "Partiya identifikatori",
	[PX_M_LOT_ID_EXAMPLE] = "masalan, PBI-000100000001",
	[PX_M_HAPPENED] = "sodir bo‘lgan",
	[PX_M_MADE_BY] = "ishlab chiqaruvchi:",
	[PX_M_RECORDED] = "qayd etilgan",
	[PX_M_METHOD] = "Usul",
	[PX_M_MORE_LOTS] = "yana partiyalar:",
	[PX_M_MORE_ROWS] = "yana qatorlar (JSONda hammasi bor):",
	[PX_M_NAME] = "Nomi",
	[PX_M_NONE] = "yoʻq",
	[PX_M_NOT_A_LOT_ID] = "Bu partiya identifikatori emas.",
	[PX_M_NOT_CHECKPOINTED] =
		"imzolangan nazorat nuqtasi hali yoʻq, jurnal hajmi",
	[PX_M_NOT_REGISTERED] = "roʻyxatdan oʻtmagan",
	[PX_M_NOT_YET] = "hali yoʻq",
	[PX_M_NO_BUNDLE] = "Bu partiyaning isbot toʻplamini yaratib boʻlmaydi.",
	[PX_M_NO_CHECKPOINT_YET] =
		"Bu partiyani hali hech bir imzolangan nazorat nuqtasi qamrab "
		"olmagan: tugun keyingisini imzolagach, toʻplamni yaratish "
		"mumkin.",
	[PX_M_NO_DOCUMENTS] = "Hujjatlar berilmagan.",
	[PX_M_NO_HOLDERS] =
		"Hozir hech kimda yoʻq: toʻliq ishlatilgan yoki joʻnatilgan.",
	[PX_M_NO_LABS] = "Bu zanjirdagi partiyalarni hech bir laboratoriya "
			 "tekshirmagan.",
	[PX_M_NO_SHIPMENTS] =
		"Bu zanjirdagi partiyalarni hech bir joʻnatma tashimagan.",
	[PX_M_NO_STATEMENTS] =
		"Bu kelib chiqish joylari yoki korxonalar haqida hech bir "
		"monitor bayonot bermagan: ular sertifikatlanmagan.",
	[PX_M_NO_SUCH_LOT] = "Reyestrda bunday identifikatorli partiya yoʻq.",
	[PX_M_NO_TRANSFORMS] = "Bu partiya hosilning oʻzi: uni olish uchun "
			       "hech narsa qayta ishlanmagan.",
	[PX_M_ON_THE_ROAD] = "Yoʻlda",
	[PX_M_ORIGINS_N] = "kelib chiqish joylari:",
	[PX_M_ORIGINS_TITLE] = "Xom paxtaning kelib chiqishi",
	[PX_M_OUTPUTS] = "Olingan mahsulot",
	[PX_M_PAGE] = "sahifa",
	[PX_M_PARTIES_TITLE] = "Taʼminot zanjiri ishtirokchilari",
	[PX_M_PART_HERE] = "Bu partiyadagi ishtiroki",
	[PX_M_PERIOD] = "Davr",
	[PX_M_PICKED] = "Terilgan",
	[PX_M_REASONS] = "Sabablar",
	[PX_M_RECEIVED] = "Qabul qilingan",
	[PX_M_REGISTERED] = "Roʻyxatga olingan",
	[PX_M_REPORT] = "Hisobot",
	[PX_M_REPORT_LINK] = "Dalillar hisoboti",
	[PX_M_REPORT_TITLE] = "Dalillar hisoboti",
	[PX_M_REVOKED_AT] = "bekor qilingan, yozuv",
	[PX_M_ROLES] = "Rollari",
	[PX_M_SEASON] = "mavsum",
	[PX_M_SHARE] = "Ulushi",
	[PX_M_SHIPMENT] = "Joʻnatma",
	[PX_M_SHIPMENTS_TITLE] = "Joʻnatmalar va ularning hujjatlari",
	[PX_M_SHOW] = "Koʻrsatish",
	[PX_M_SIGNED_BY] = "Nazorat nuqtalarini imzolagan kalit",
	[PX_M_STATEMENTS_TITLE] = "Monitorlar bayonotlari",
	[PX_M_STATUS] = "Maqomi",
	[PX_M_TESTED] = "Tekshirilgan",
	[PX_M_TO] = "Qabul qiluvchi",
	[PX_M_TOO_LARGE] = "Bu partiyaning kelib chiqish zanjiri bitta javobda "
			   "kuzatish uchun juda katta.",
	[PX_M_TRANSFORMS_TITLE] = "Qayta ishlash va unum",
	[PX_M_TRANSPORT_HASHES] = "Transport hujjatlari (SHA-256)",
	[PX_M_UFLPA_NOTE] =
		"Boʻlimlar Uygʻur majburiy mehnatining oldini olish "
		"toʻgʻrisidagi qonun (UFLPA) boʻyicha qoʻllanilishni koʻrib "
		"chiqishdagi hujjatlar guruhlariga mos keladi (AQSh Bojxona va "
		"chegara himoyasi xizmati, Operational Guidance for Importers, "
		"2022-yil iyun): barcha ishtirokchilar va oqim sxemasi bilan "
		"taʼminot zanjirini kuzatish, bitim va tashish hujjatlari, har "
		"bir xomashyoning kelib chiqishi dalillari va uning ortidagi "
		"monitoring.",
	[PX_M_VERDICT] = "Xulosa",
	[PX_M_VERDICT_JSON] = "Xulosa (JSON)",
	[PX_M_VOIDED] = "Bekor qilingan",
	[PX_M_VOIDED_TEXT] = "Ishlab chiqaruvchi bu partiya yozuvini qaytarib "
			     "oldi; undan hech narsa yasalmagan.",
	[PX_M_YIELD] = "unum",
	[PX_M_LANG] = "Oʻzbekcha",
	[PX_M_PRODUCT_0] = "nomaʼlum mahsulot",
	[PX_M_PRODUCT_1] = "paxta xomashyosi",
	[PX_M_PRODUCT_2] = "tola",
	[PX_M_PRODUCT_3] = "chigit",
	[PX_M_PRODUCT_4] = "chiqindi",
	[PX_M_PRODUCT_5] = "ip",
	[PX_M_PRODUCT_6] = "mato",
	[PX_M_PRODUCT_7] = "kiyim-kechak",
	[PX_M_PROCESS_0] = "nomaʼlum jarayon",
	[PX_M_PROCESS_1] = "jinlash",
	[PX_M_PROCESS_2] = "yigiruv",
	[PX_M_PROCESS_3] = "toʻquv",
	[PX_M_PROCESS_4] = "trikotaj toʻqish",
	[PX_M_PROCESS_5] = "tikish",
	[PX_M_METHOD_0] = "usul koʻrsatilmagan",
	[PX_M_METHOD_1] = "qoʻlda terilgan",
	[PX_M_METHOD_2] = "mashinada terilgan",
	[PX_M_ROLE_0] = "rolsiz",
	[PX_M_ROLE_1] = "registrator",
	[PX_M_ROLE_2] = "fermer xoʻjaligi",
	[PX_M_ROLE_3] = "paxta tozalash zavodi",
	[PX_M_ROLE_4] = "ombor",
	[PX_M_ROLE_5] = "yigiruv korxonasi",
	[PX_M_ROLE_6] = "toʻquv korxonasi",
	[PX_M_ROLE_7] = "tikuv korxonasi",
	[PX_M_ROLE_8] = "eksportchi",
	[PX_M_ROLE_9] = "importchi",
	[PX_M_ROLE_10] = "brend",
	[PX_M_ROLE_11] = "monitor",
	[PX_M_ROLE_12] = "laboratoriya",
	[PX_M_STATUS_0] = "sertifikatlanmagan",
	[PX_M_STATUS_1] = "sertifikatlangan",
	[PX_M_STATUS_2] = "koʻrib chiqilmoqda",
	[PX_M_STATUS_3] = "qaytarib olingan",
	[PX_M_STATUS_4] = "bolalar mehnati",
	[PX_M_STATUS_5] = "majburiy mehnat",
	[PX_M_STATUS_6] = "bartaraf etilgan",
	[PX_M_VERDICT_0] =
		"Har bir kg majburiy mehnatdan xoli deb sertifikatlangan "
		"joylardan kelib chiqqan va yoʻldagi har bir yozuv butun.",
	[PX_M_VERDICT_1] = "Bir qism kg majburiy yoki bolalar mehnatiga borib "
			   "taqaladi yoki laboratoriya tahlili daʼvo qilingan "
			   "kelib chiqishni rad etadi.",
	[PX_M_VERDICT_2] =
		"Bir qism kg sertifikatlanmagan, koʻrib chiqilayotgan yoki "
		"sertifikati qaytarib olingan joylardan kelib chiqqan.",
	[PX_M_VERDICT_3] = "Yoʻldagi yozuvlardan biri imzo, xesh zanjiri yoki "
			   "qoida tekshiruvidan oʻtmaydi.",
	[PX_M_PART_0] = "hosil",
	[PX_M_PART_1] = "qayta ishlash",
	[PX_M_PART_2] = "joʻnatish",
	[PX_M_PART_3] = "qabul qilish",
	[PX_M_PART_4] = "hozir saqlaydi",
	[PX_M_PART_5] = "bayonotlar",
	[PX_M_PART_6] = "tahlillar",
};
