/* The checks of a booking (issue 10 item 4), each at its field: what submit
 * requires, the forms of the declaration number, phone, plates and VINs, the
 * booking against its declaration (plates, truck count with the 归并 case,
 * VINs), the drivers when given, the e-commerce release list, and (on request) what other bookings
 * hold. A check at level "error" stops a submit; "warning" is shown only. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/booking_doc.h"
#include "core/domain.h"
#include "validate/validate.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))
#define MESSAGE_MAX 256

enum check_code {
	CHK_REQUIRED,
	CHK_DECLARATION_NO_FORM,
	CHK_CONTACT_FORM,
	CHK_PLATES_MATCH,
	CHK_PLATES_MISMATCH,
	CHK_PLATE_FORM,
	CHK_TRUCK_COUNT_MATCH,
	CHK_TRUCK_COUNT_MERGED,
	CHK_VINS_MATCH,
	CHK_VIN_FORM,
	CHK_VIN_CHECK_DIGIT,
	CHK_VIN_DUPLICATE,
	CHK_VIN_NOT_DECLARED,
	CHK_VIN_MISSING,
	CHK_RELEASE_LIST_REQUIRED,
	CHK_DRIVER_PHONE_FORM,
	CHK_DRIVER_PLATE,
	CHK_DECLARATION_IN_USE,
	CHK_VIN_IN_USE,
	CHK_COUNT
};

enum level { LEVEL_OK, LEVEL_WARNING, LEVEL_ERROR };
static const char *const level_names[] = {"ok", "warning", "error"};

/* Messages may hold two numbers (%1$d, %2$d): the declaration's and the user's. */
static const struct {
	const char *code;
	enum level level;
	const char *message[LANG_COUNT];
} check_table[CHK_COUNT] = {
	[CHK_REQUIRED] = {"required", LEVEL_ERROR, {"提交前必须填写", "Обязательно для отправки", "Required to submit"}},
	[CHK_DECLARATION_NO_FORM] = {"declaration_no_form", LEVEL_ERROR,
		{"报关单号应为 18 位出口报关单编号", "Номер декларации: 18 цифр экспортной декларации",
			"A declaration number is 18 digits of an export declaration"}},
	[CHK_CONTACT_FORM] = {"contact_form", LEVEL_ERROR,
		{"请填写中国手机、固定电话或 +国家代码 的国际号码", "Укажите китайский мобильный, городской или международный номер (+код страны)",
			"Give a Chinese mobile or landline number, or an international one (+country code)"}},
	[CHK_PLATES_MATCH] = {"plates_match", LEVEL_OK, {"车牌号与报关单一致", "Номера совпадают с декларацией",
		"Plates match the declaration"}},
	[CHK_PLATES_MISMATCH] = {"plates_mismatch", LEVEL_WARNING, {"车牌号与报关单不一致", "Номера не совпадают с декларацией",
		"Plates differ from the declaration"}},
	[CHK_PLATE_FORM] = {"plate_form", LEVEL_WARNING, {"车牌号格式无法识别", "Формат номера не распознан",
		"Plate in no known form"}},
	[CHK_TRUCK_COUNT_MATCH] = {"truck_count_match", LEVEL_OK, {"重车数量与报关单一致", "Число грузовиков совпадает с декларацией",
		"Truck count matches the declaration"}},
	[CHK_TRUCK_COUNT_MERGED] = {"truck_count_merged", LEVEL_WARNING,
		{"报关单为 %1$d 辆（归并后数量可能不同），以填写的真实数量 %2$d 辆为准",
			"В декларации %1$d (позиции объединены), принимается указанное число: %2$d",
			"The declaration says %1$d (merged items); the real count you entered, %2$d, is kept"}},
	[CHK_VINS_MATCH] = {"vins_match", LEVEL_OK, {"车架号与报关单一致", "VIN совпадают с декларацией",
		"VINs match the declaration"}},
	[CHK_VIN_FORM] = {"vin_form", LEVEL_ERROR, {"车架号应为 17 位（不含 I、O、Q）", "VIN: 17 знаков без I, O, Q",
		"A VIN has 17 characters without I, O or Q"}},
	[CHK_VIN_CHECK_DIGIT] = {"vin_check_digit", LEVEL_ERROR, {"车架号第 9 位校验位不正确", "Неверная контрольная цифра VIN (9-й знак)",
		"The VIN's check digit (9th character) is wrong"}},
	[CHK_VIN_DUPLICATE] = {"vin_duplicate", LEVEL_ERROR, {"车架号重复", "VIN повторяется", "The VIN appears twice"}},
	[CHK_VIN_NOT_DECLARED] = {"vin_not_declared", LEVEL_ERROR, {"车架号不在报关单上", "VIN нет в декларации",
		"The VIN is not on the declaration"}},
	[CHK_VIN_MISSING] = {"vin_missing", LEVEL_WARNING, {"报关单上有 %1$d 个车架号未填写", "%1$d VIN из декларации не указаны",
		"%1$d VINs of the declaration are not among the vehicles"}},
	[CHK_RELEASE_LIST_REQUIRED] = {"release_list_required", LEVEL_ERROR,
		{"跨境电商（清单模式）须在随附单证中上传核放清单", "Для режима списка нужен лист выпуска во вложениях",
			"E-commerce list mode needs the release list among the attachments"}},
	[CHK_DRIVER_PHONE_FORM] = {"driver_phone_form", LEVEL_ERROR,
		{"司机电话应为中国手机、固定电话或 +国家代码 的国际号码", "Телефон водителя: китайский мобильный, городской или международный (+код)",
			"A driver's phone is a Chinese mobile or landline, or an international number (+country code)"}},
	[CHK_DRIVER_PLATE] = {"driver_plate", LEVEL_WARNING, {"该司机的车牌不在本预约的车牌中", "Номера водителя нет среди номеров бронирования",
		"The driver's plate is not among the booking's plates"}},
	[CHK_DECLARATION_IN_USE] = {"declaration_in_use", LEVEL_ERROR, {"该报关单号已被另一预约占用",
		"Номер декларации занят другим бронированием", "Another booking holds this declaration number"}},
	[CHK_VIN_IN_USE] = {"vin_in_use", LEVEL_ERROR, {"车架号已被另一预约占用", "VIN занят другим бронированием",
		"Another booking holds this VIN"}},
};

struct run {
	struct api_ctx *c;
	const struct booking_meta *m;
	json_t *doc, *rec;
	json_t *checks, *errors;
};

static json_t *add(struct run *r, const char *field, enum check_code code, int a, int b)
{
	char msg[MESSAGE_MAX];
	/* the formats are ours, from the table above, with at most two numbers */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
	snprintf(msg, sizeof msg, check_table[code].message[r->c->lang], a, b);
#pragma GCC diagnostic pop
	json_t *entry = json_pack("{s:s,s:s,s:s,s:s}", "field", field, "code", check_table[code].code, "level",
		level_names[check_table[code].level], "message", msg);
	json_array_append_new(r->checks, entry);
	if (check_table[code].level == LEVEL_ERROR && r->errors)
		json_array_append_new(r->errors, json_pack("{s:s,s:s,s:s}", "field", field, "code", check_table[code].code,
			"message", msg));
	return entry;
}

static const char *text(json_t *doc, const char *key)
{
	json_t *v = json_object_get(doc, key);
	return json_is_string(v) && json_string_length(v) ? json_string_value(v) : NULL;
}

/* ---- what submit needs ---- */

static const char *const heavy_required[] = {"declaration_no", "plates", "truck_count", "clearance_mode", "cargo_type",
	"customs_warehouse", "contact", "transshipment_site_id"};
static const char *const commodity_required[] = {"declaration_no", "vehicles", "clearance_mode", "customs_warehouse",
	"contact", "usage_type", "fuel_type"};

static int has_vin(json_t *rows)
{
	size_t i;
	json_t *row;
	json_array_foreach(rows, i, row)
		if (text(row, "vin"))
			return 1;
	return 0;
}

static int present(json_t *doc, const char *key)
{
	json_t *v = json_object_get(doc, key);
	if (strcmp(key, "vehicles") == 0)
		return has_vin(v);
	if (json_is_array(v))
		return json_array_size(v) > 0;
	if (json_is_integer(v))
		return json_integer_value(v) > 0;
	return json_is_string(v) && json_string_length(v) > 0;
}

static void check_required(struct run *r)
{
	int heavy = r->m->kind == KIND_HEAVY_TRUCK;
	size_t n = heavy ? COUNT(heavy_required) : COUNT(commodity_required);
	for (size_t i = 0; i < n; i++) {
		const char *key = heavy ? heavy_required[i] : commodity_required[i];
		if (!present(r->doc, key))
			add(r, key, CHK_REQUIRED, 0, 0);
	}
}

static void check_forms(struct run *r)
{
	const char *no = text(r->doc, "declaration_no"), *contact = text(r->doc, "contact");
	if (no && declno_direction(no, strlen(no)) != DECLNO_EXPORT)
		add(r, "declaration_no", CHK_DECLARATION_NO_FORM, 0, 0);
	if (contact && phone_form(contact, strlen(contact)) == PHONE_NONE)
		add(r, "contact", CHK_CONTACT_FORM, 0, 0);
}

/* ---- heavy trucks ---- */

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The same strings, in any order. */
static int same_list(json_t *a, json_t *b)
{
	size_t n = json_array_size(a);
	if (n != json_array_size(b))
		return 0;
	const char **x = calloc(n + 1, sizeof *x), **y = calloc(n + 1, sizeof *y);
	for (size_t i = 0; i < n; i++) {
		x[i] = json_string_value(json_array_get(a, i));
		y[i] = json_string_value(json_array_get(b, i));
		x[i] = x[i] ? x[i] : "";
		y[i] = y[i] ? y[i] : "";
	}
	qsort(x, n, sizeof *x, cmp_str);
	qsort(y, n, sizeof *y, cmp_str);
	int same = 1;
	for (size_t i = 0; i < n && same; i++)
		same = strcmp(x[i], y[i]) == 0;
	free(x);
	free(y);
	return same;
}

static int in_plates(json_t *plates, const char *plate)
{
	size_t i;
	json_t *p;
	json_array_foreach(plates, i, p)
		if (json_is_string(p) && strcmp(json_string_value(p), plate) == 0)
			return 1;
	return 0;
}

static void check_plates(struct run *r)
{
	json_t *plates = json_object_get(r->doc, "plates");
	size_t i;
	json_t *p;
	json_array_foreach(plates, i, p) {
		const char *t = json_string_value(p);
		if (t && plate_form(t, strlen(t), NULL) == PLATE_NONE) {
			char field[FIELD_NAME_MAX];
			snprintf(field, sizeof field, "plates[%zu]", i);
			add(r, field, CHK_PLATE_FORM, 0, 0);
		}
	}
	json_t *declared = r->rec ? json_object_get(r->rec, "plates") : NULL;
	if (!json_is_array(declared) || json_array_size(declared) == 0)
		return;
	if (same_list(plates, declared))
		add(r, "plates", CHK_PLATES_MATCH, 0, 0);
	else
		json_object_set(add(r, "plates", CHK_PLATES_MISMATCH, 0, 0), "declared", declared);
}

static void check_truck_count(struct run *r)
{
	json_t *mine = json_object_get(r->doc, "truck_count");
	json_t *declared = r->rec ? json_object_get(r->rec, "truck_count") : NULL;
	if (!json_is_integer(mine) || !json_is_integer(declared))
		return;
	int d = (int)json_integer_value(declared), m = (int)json_integer_value(mine);
	if (d == m)
		add(r, "truck_count", CHK_TRUCK_COUNT_MATCH, d, m);
	else
		json_object_set_new(add(r, "truck_count", CHK_TRUCK_COUNT_MERGED, d, m), "declared", json_integer(d));
}

/* Each truck's driver, when given: a phone of a known form, a plate of the booking. */
static void check_drivers(struct run *r)
{
	json_t *plates = json_object_get(r->doc, "plates");
	size_t i;
	json_t *d;
	json_array_foreach(json_object_get(r->doc, "drivers"), i, d) {
		char field[FIELD_NAME_MAX];
		const char *phone = text(d, "phone"), *plate = text(d, "plate");
		if (phone && phone_form(phone, strlen(phone)) == PHONE_NONE) {
			snprintf(field, sizeof field, "drivers[%zu].phone", i);
			add(r, field, CHK_DRIVER_PHONE_FORM, 0, 0);
		}
		if (plate && !in_plates(plates, plate)) {
			snprintf(field, sizeof field, "drivers[%zu].plate", i);
			add(r, field, CHK_DRIVER_PLATE, 0, 0);
		}
	}
}

static void check_release_list(struct run *r)
{
	const char *cargo = text(r->doc, "cargo_type");
	struct option_item it;
	int has = 0;
	if (cargo == NULL || store_option_find(r->c->app->store, "cargo_type", cargo, &it) != K_OK ||
	    strcmp(it.code, CARGO_ECOMMERCE_LIST) != 0)
		return;
	if (store_attachment_has_type(r->c->app->store, r->m->id, domain_attachment_types[ATTACH_RELEASE_LIST].code,
		&has) == K_OK && !has)
		add(r, "attachments", CHK_RELEASE_LIST_REQUIRED, 0, 0);
}

/* ---- commodity vehicles ---- */

static int in_list(json_t *list, const char *s)
{
	size_t i;
	json_t *x;
	json_array_foreach(list, i, x)
		if (json_is_string(x) && strcmp(json_string_value(x), s) == 0)
			return 1;
	return 0;
}

static void check_one_vin(struct run *r, json_t *rows, size_t i, const char *vin, json_t *declared)
{
	char field[FIELD_NAME_MAX];
	snprintf(field, sizeof field, "vehicles[%zu].vin", i);
	size_t len = strlen(vin);
	if (!vin_is_wellformed(vin, len)) {
		add(r, field, CHK_VIN_FORM, 0, 0);
		return;
	}
	if (!vin_is_valid(vin, len))
		add(r, field, CHK_VIN_CHECK_DIGIT, 0, 0);
	for (size_t k = 0; k < i; k++) {
		const char *other = text(json_array_get(rows, k), "vin");
		if (other && strcmp(other, vin) == 0) {
			add(r, field, CHK_VIN_DUPLICATE, 0, 0);
			break;
		}
	}
	if (json_array_size(declared) > 0 && !in_list(declared, vin))
		add(r, field, CHK_VIN_NOT_DECLARED, 0, 0);
}

static void check_vins(struct run *r)
{
	json_t *rows = json_object_get(r->doc, "vehicles");
	json_t *declared = r->rec ? json_object_get(r->rec, "vins") : NULL;
	json_t *mine = json_array();
	size_t before = json_array_size(r->checks), i;
	json_t *row;
	json_array_foreach(rows, i, row) {
		const char *vin = text(row, "vin");
		if (vin == NULL)
			continue;
		json_array_append_new(mine, json_string(vin));
		check_one_vin(r, rows, i, vin, declared);
	}
	int missing = 0;
	json_array_foreach(declared, i, row)
		missing += json_is_string(row) && !in_list(mine, json_string_value(row));
	json_decref(mine);
	if (missing > 0)
		add(r, "vehicles", CHK_VIN_MISSING, missing, 0);
	else if (json_array_size(declared) > 0 && json_array_size(r->checks) == before)
		add(r, "vehicles", CHK_VINS_MATCH, 0, 0);
}

/* ---- what other bookings hold ---- */

static void name_holder(struct run *r, json_t *entry, const struct booking_meta *holder)
{
	struct booking_scope scope = booking_scope_of(r->c->who);
	if (store_booking_visible(&scope, holder))
		json_object_set_new(entry, "booking_id", json_integer((json_int_t)holder->id));
}

static void check_holding(struct run *r)
{
	struct booking_meta holder;
	char digits[DECLNO_DIGITS_MAX];
	size_t o = declno_digits(text(r->doc, "declaration_no"), digits, sizeof digits);
	if (o > 0 && store_booking_holder_declaration(r->c->app->store, digits, r->m->id, &holder) == K_OK)
		name_holder(r, add(r, "declaration_no", CHK_DECLARATION_IN_USE, 0, 0), &holder);
	size_t i;
	json_t *row;
	json_array_foreach(json_object_get(r->doc, "vehicles"), i, row) {
		const char *vin = text(row, "vin");
		char field[FIELD_NAME_MAX];
		if (vin == NULL || store_booking_holder_vin(r->c->app->store, vin, r->m->id, &holder) != K_OK)
			continue;
		snprintf(field, sizeof field, "vehicles[%zu].vin", i);
		name_holder(r, add(r, field, CHK_VIN_IN_USE, 0, 0), &holder);
	}
}

enum kerr booking_run_checks(struct api_ctx *c, const struct booking_meta *m, json_t *doc, json_t *rec, int holding,
	json_t **checks, json_t *errors)
{
	struct run r = {c, m, doc, rec, json_array(), errors};
	check_required(&r);
	check_forms(&r);
	if (m->kind == KIND_HEAVY_TRUCK) {
		check_plates(&r);
		check_truck_count(&r);
		check_drivers(&r);
		check_release_list(&r);
	} else {
		check_vins(&r);
	}
	if (holding)
		check_holding(&r);
	*checks = r.checks;
	return K_OK;
}
