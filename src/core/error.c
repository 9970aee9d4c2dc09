#include "core/error.h"

#include <string.h>
#include <strings.h>

static const struct kerr_info table[K_ERR_COUNT] = {
	[K_OK] = {"ok", 200, {"成功", "Успешно", "OK"}},
	[K_BAD_JSON] = {"bad_json", 400,
		{"请求内容不是有效的 JSON", "Тело запроса не является корректным JSON", "The request body is not valid JSON"}},
	[K_UNAUTHENTICATED] = {"unauthenticated", 401,
		{"请先登录", "Требуется вход в систему", "Please log in"}},
	[K_BAD_CREDENTIALS] = {"unauthenticated", 401,
		{"用户名或密码错误", "Неверное имя пользователя или пароль", "Wrong username or password"}},
	[K_CSRF_FAILED] = {"csrf_failed", 403,
		{"安全令牌无效，请刷新页面后重试", "Неверный токен безопасности, обновите страницу", "Security token missing or wrong; reload the page"}},
	[K_FORBIDDEN] = {"forbidden", 403,
		{"您的角色无权执行此操作", "У вашей роли нет прав на это действие", "Your role may not do this"}},
	[K_NOT_FOUND] = {"not_found", 404,
		{"未找到", "Не найдено", "Not found"}},
	[K_METHOD_NOT_ALLOWED] = {"method_not_allowed", 405,
		{"不支持此请求方法", "Метод запроса не поддерживается", "Method not allowed"}},
	[K_CONFLICT] = {"conflict", 409,
		{"与现有数据冲突", "Конфликт с существующими данными", "Conflicts with existing data"}},
	[K_PAYLOAD_TOO_LARGE] = {"payload_too_large", 413,
		{"上传内容过大", "Слишком большой объём данных", "The request body is too large"}},
	[K_UNSUPPORTED_MEDIA_TYPE] = {"unsupported_media_type", 415,
		{"不支持的内容类型", "Неподдерживаемый тип содержимого", "Unsupported content type"}},
	[K_VALIDATION_FAILED] = {"validation_failed", 422,
		{"填写的内容有误", "Данные заполнены неверно", "Some fields are not valid"}},
	[K_RATE_LIMITED] = {"rate_limited", 429,
		{"尝试次数过多，请稍后再试", "Слишком много попыток, повторите позже", "Too many attempts; try again later"}},
	[K_HEADERS_TOO_LARGE] = {"headers_too_large", 431,
		{"请求头过大", "Слишком большие заголовки запроса", "Request headers are too large"}},
	[K_DB_UNAVAILABLE] = {"db_unavailable", 503,
		{"数据库暂时不可用，请稍后再试", "База данных временно недоступна", "The database is unavailable; try again later"}},
	[K_INTERNAL] = {"internal", 500,
		{"服务器内部错误", "Внутренняя ошибка сервера", "Internal server error"}},
	[K_BAD_REQUEST] = {"bad_request", 400,
		{"请求格式不正确", "Неверный формат запроса", "The request is malformed"}},
	[K_NOT_IMPLEMENTED] = {"not_implemented", 501,
		{"不支持此传输编码", "Такая кодировка передачи не поддерживается", "This transfer coding is not supported"}},
	[K_EMPTY_FILE] = {"empty_file", 422,
		{"文件为空", "Файл пуст", "The file is empty"}},
	[K_NOT_PDF] = {"not_pdf", 422,
		{"文件不是 PDF", "Файл не является PDF", "The file is not a PDF"}},
	[K_CORRUPT_PDF] = {"corrupt_pdf", 422,
		{"PDF 文件已损坏或不完整", "PDF повреждён или неполон", "The PDF is damaged or incomplete"}},
	[K_ENCRYPTED_PDF] = {"encrypted_pdf", 422,
		{"PDF 已加密，请上传未加密的报关单", "PDF зашифрован, загрузите незашифрованный файл", "The PDF is encrypted; upload an unencrypted declaration"}},
	[K_NO_TEXT] = {"no_text", 422,
		{"未能从文件中读出文字", "Не удалось прочитать текст в файле", "No text could be read from the file"}},
	[K_NOT_A_DECLARATION] = {"not_a_declaration", 422,
		{"文件不是出口货物报关单", "Файл не является экспортной таможенной декларацией", "The file is not an export customs declaration"}},
	[K_TOO_MANY_PAGES] = {"too_many_pages", 422,
		{"文件页数过多", "Слишком много страниц", "The file has too many pages"}},
	[K_RESOURCE_LIMIT] = {"resource_limit", 422,
		{"文件超出处理限制（大小、时间或内存）", "Файл превышает пределы обработки", "The file exceeds a processing limit (size, time or memory)"}},
	[K_MULTIPLE_DECLARATIONS] = {"multiple_declarations", 422,
		{"文件中有多份报关单，请每次上传一份", "В файле несколько деклараций; загружайте по одной",
			"The file holds more than one declaration; upload one at a time"}},
	[K_NOT_SPREADSHEET] = {"not_spreadsheet", 422,
		{"文件不是 Excel 或 CSV 表格", "Файл не является таблицей Excel или CSV", "The file is not an Excel or CSV spreadsheet"}},
	[K_NO_VIN_COLUMN] = {"no_vin_column", 422,
		{"表格中没有 VIN（车架号）列", "В таблице нет столбца VIN", "The spreadsheet has no VIN column"}},
	[K_TOO_MANY_ROWS] = {"too_many_rows", 422,
		{"表格行数超过上限（10000 行）", "В таблице более 10 000 строк", "The spreadsheet has more than 10,000 rows"}},
	[K_DECLARATION_IN_USE] = {"declaration_in_use", 409,
		{"该报关单号已被另一预约占用", "Номер декларации уже занят другим бронированием",
			"Another booking already holds this declaration number"}},
	[K_VIN_IN_USE] = {"vin_in_use", 409,
		{"车架号已被另一预约占用", "VIN уже занят другим бронированием", "Another booking already holds this VIN"}},
	[K_WRONG_STATE] = {"wrong_state", 409,
		{"预约当前状态不允许此操作", "Текущее состояние бронирования не допускает этого действия",
			"The booking's state does not allow this"}},
	[K_BUSY] = {"busy", 503,
		{"识别队列已满，请稍后再试", "Очередь распознавания заполнена, повторите позже",
			"The recognition queue is full; try again shortly"}},
	[K_CAPACITY_FULL] = {"capacity_full", 409,
		{"所选通关日期或时段已约满，请选择其他日期", "На выбранную дату или интервал мест нет, выберите другую дату",
			"The chosen crossing date or slot is full; choose another date"}},
	[K_ORG_CAP_REACHED] = {"org_cap_reached", 409,
		{"贵单位在该日期的预约数量已达上限", "Ваша организация исчерпала лимит на эту дату",
			"Your organisation has reached its limit for this date"}},
	[K_CAPACITY_BELOW_TAKEN] = {"capacity_below_taken", 409,
		{"容量不能低于已预约的数量", "Нельзя установить вместимость меньше уже забронированного",
			"Capacity cannot be set below what is already booked"}},
	[K_PENDING_APPROVAL] = {"pending_approval", 403,
		{"您的注册申请正在等待口岸管理部门审核", "Ваша заявка на регистрацию ожидает проверки бюро",
			"Your application is waiting for the bureau's review"}},
	[K_SECOND_FACTOR_REQUIRED] = {"second_factor_required", 401,
		{"请输入身份验证器应用中的六位验证码", "Введите шестизначный код из приложения-аутентификатора",
			"Enter the six-digit code from your authenticator app"}},
	[K_SECOND_FACTOR_WRONG] = {"second_factor_wrong", 401,
		{"验证码错误或已使用过", "Код неверен или уже использован", "The code is wrong or has been used already"}},
	[K_SECOND_FACTOR_EXPIRED] = {"second_factor_expired", 401,
		{"登录已超时，请重新输入用户名和密码", "Время входа истекло, введите имя пользователя и пароль снова",
			"The sign-in has timed out; enter your username and password again"}},
	[K_SEARCH_TOO_BROAD] = {"search_too_broad", 422,
		{"匹配的记录太多，且都不在最近的记录中：请输入更长的号码或缩小搜索范围",
			"Слишком много совпадений, и среди последних записей их нет: введите номер длиннее или сузьте поиск",
			"Too many matches, none among the newest records: type a longer number or narrow the search"}},
};

const struct kerr_info *kerr_info(enum kerr e)
{
	if ((unsigned)e >= K_ERR_COUNT || table[e].code == NULL)
		return &table[K_INTERNAL];
	return &table[e];
}

const char *kerr_code(enum kerr e)
{
	return kerr_info(e)->code;
}

const char *kerr_message(enum kerr e, enum lang lang)
{
	if ((unsigned)lang >= LANG_COUNT)
		lang = LANG_ZH;
	return kerr_info(e)->message[lang];
}

static const char *const lang_names[LANG_COUNT] = {"zh", "ru", "en"};

const char *lang_name(enum lang lang)
{
	return (unsigned)lang < LANG_COUNT ? lang_names[lang] : "zh";
}

int lang_parse(const char *s, int len)
{
	if (s == NULL || len < 2)
		return -1;
	if (len > 2 && s[2] != '-' && s[2] != '_')
		return -1;
	for (int i = 0; i < LANG_COUNT; i++)
		if (strncasecmp(s, lang_names[i], 2) == 0)
			return i;
	return -1;
}

enum lang lang_from_accept(const char *h)
{
	/* Take the languages in the order written; q-values are rarely used to
	 * reorder and the first supported one is what the browser prefers. */
	while (h != NULL && *h) {
		while (*h == ' ' || *h == ',')
			h++;
		const char *end = h;
		while (*end && *end != ',' && *end != ';')
			end++;
		int l = lang_parse(h, (int)(end - h));
		if (l >= 0)
			return (enum lang)l;
		h = strchr(end, ',');
	}
	return LANG_ZH;
}
