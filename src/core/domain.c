/* The domain's lists (domain.h): one table each. */
#include "core/domain.h"

#include <string.h>

#define BIT(s) (1u << (s))
#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

const struct domain_named domain_kinds[KIND_COUNT] = {
	[KIND_HEAVY_TRUCK] = {"heavy_truck", {"重车", "Грузовик с грузом", "Heavy truck"}},
	[KIND_COMMODITY_VEHICLE] = {"commodity_vehicle", {"商品车", "Товарный автомобиль", "Commodity vehicle"}},
};

const struct domain_state domain_states[STATE_COUNT] = {
	[STATE_DRAFT] = {"draft", false, true, {"草稿", "Черновик", "Draft"}},
	[STATE_SUBMITTED] = {"submitted", true, false, {"已提交", "Отправлено", "Submitted"}},
	[STATE_REJECTED] = {"rejected", false, true, {"已驳回", "Отклонено", "Rejected"}},
	[STATE_RELEASED] = {"released", true, false, {"已放行", "Выпуск разрешён", "Released"}},
	[STATE_CANCELLED] = {"cancelled", false, false, {"已取消", "Отменено", "Cancelled"}},
	[STATE_EXPIRED] = {"expired", false, false, {"已过期", "Истекло", "Expired"}},
	[STATE_PASSED] = {"passed", true, false, {"已通过", "Пройдено", "Passed"}},
};

const struct domain_action domain_actions[ACTION_COUNT] = {
	[ACTION_SUBMIT] = {"submit", BIT(STATE_DRAFT) | BIT(STATE_REJECTED), STATE_SUBMITTED,
		{"提交", "Отправить", "Submit"}},
	[ACTION_WITHDRAW] = {"withdraw", BIT(STATE_SUBMITTED), STATE_DRAFT, {"撤回", "Отозвать", "Withdraw"}},
	[ACTION_CANCEL] = {"cancel", BIT(STATE_DRAFT) | BIT(STATE_SUBMITTED) | BIT(STATE_REJECTED) | BIT(STATE_RELEASED) |
		BIT(STATE_EXPIRED), STATE_CANCELLED, {"取消", "Отменить", "Cancel"}},
	[ACTION_APPROVE] = {"approve", BIT(STATE_SUBMITTED), STATE_RELEASED, {"通过", "Одобрить", "Approve"}},
	[ACTION_REJECT] = {"reject", BIT(STATE_SUBMITTED), STATE_REJECTED, {"驳回", "Отклонить", "Reject"}},
	[ACTION_EXPIRE] = {"expire", BIT(STATE_SUBMITTED) | BIT(STATE_RELEASED), STATE_EXPIRED,
		{"过期", "Истечь", "Expire"}},
	[ACTION_PASS] = {"pass", BIT(STATE_RELEASED), STATE_PASSED, {"全部通关", "Все прошли", "All passed"}},
};

const struct domain_named domain_attachment_types[ATTACH_COUNT] = {
	[ATTACH_RELEASE_LIST] = {"release_list", {"核放清单", "Лист выпуска", "Release list"}},
	[ATTACH_OTHER] = {"other", {"其他随附单证", "Другой документ", "Other document"}},
};

const struct domain_named domain_option_lists[OPTION_LIST_COUNT] = {
	{"clearance_mode", {"通关方式", "Способ оформления", "Clearance mode"}},
	{"cargo_type", {"货物类型", "Тип груза", "Cargo type"}},
	{"customs_warehouse", {"所属海关库房", "Таможенный склад", "Customs warehouse"}},
	{"usage_type", {"使用类型", "Тип использования", "Usage type"}},
	{"fuel_type", {"燃油类型", "Тип топлива", "Fuel type"}},
	{"brand", {"品牌", "Марка", "Brand"}},
	{"colour", {"颜色", "Цвет", "Colour"}},
	{"reject_reason", {"驳回原因", "Причина отказа", "Reason for rejection"}},
};

static int find_named(const struct domain_named *t, size_t n, const char *code)
{
	for (size_t i = 0; code != NULL && i < n; i++)
		if (strcmp(t[i].code, code) == 0)
			return (int)i;
	return -1;
}

int domain_kind(const char *code) { return find_named(domain_kinds, KIND_COUNT, code); }
int domain_attachment_type(const char *code) { return find_named(domain_attachment_types, ATTACH_COUNT, code); }
int domain_option_list(const char *code) { return find_named(domain_option_lists, OPTION_LIST_COUNT, code); }

int domain_state(const char *code)
{
	for (int i = 0; code != NULL && i < STATE_COUNT; i++)
		if (strcmp(domain_states[i].code, code) == 0)
			return i;
	return -1;
}

int domain_action(const char *code)
{
	for (int i = 0; code != NULL && i < ACTION_COUNT; i++)
		if (strcmp(domain_actions[i].code, code) == 0)
			return i;
	return -1;
}

bool domain_action_allowed(enum booking_action a, enum booking_state from)
{
	return (unsigned)a < ACTION_COUNT && (unsigned)from < STATE_COUNT && (domain_actions[a].from & BIT(from));
}

enum booking_state domain_submit_target(enum booking_kind kind)
{
	/* Heavy trucks wait for their approver; commodity vehicles are released
	 * once every check passed. */
	return kind == KIND_COMMODITY_VEHICLE ? STATE_RELEASED : STATE_SUBMITTED;
}

const char *const domain_second_factor_roles[SECOND_FACTOR_ROLE_COUNT] = {"bureau", "warehouse", "gate", "admin"};

int domain_second_factor_role(const char *role)
{
	for (int i = 0; role && i < SECOND_FACTOR_ROLE_COUNT; i++)
		if (strcmp(role, domain_second_factor_roles[i]) == 0)
			return i;
	return -1;
}

static json_t *second_factor_json(void)
{
	json_t *roles = json_array();
	for (int i = 0; i < SECOND_FACTOR_ROLE_COUNT; i++)
		json_array_append_new(roles, json_string(domain_second_factor_roles[i]));
	return json_pack("{s:o,s:i,s:i}", "roles", roles, "recovery_codes", RECOVERY_CODE_COUNT, "code_max",
		SECOND_FACTOR_CODE_MAX);
}

static json_t *labels(const char *const l[3])
{
	return json_pack("{s:s,s:s,s:s}", "zh", l[0], "ru", l[1], "en", l[2]);
}

static json_t *named_list(const struct domain_named *t, size_t n)
{
	json_t *arr = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(arr, json_pack("{s:s,s:o}", "code", t[i].code, "label", labels(t[i].label)));
	return arr;
}

static json_t *states_json(void)
{
	json_t *arr = json_array();
	for (int i = 0; i < STATE_COUNT; i++)
		json_array_append_new(arr, json_pack("{s:s,s:b,s:b,s:o}", "code", domain_states[i].code, "holding",
			domain_states[i].holding, "editable", domain_states[i].editable, "label", labels(domain_states[i].label)));
	return arr;
}

static json_t *actions_json(void)
{
	json_t *arr = json_array();
	for (int i = 0; i < ACTION_COUNT; i++) {
		json_t *from = json_array();
		for (int s = 0; s < STATE_COUNT; s++)
			if (domain_actions[i].from & BIT(s))
				json_array_append_new(from, json_string(domain_states[s].code));
		json_array_append_new(arr, json_pack("{s:s,s:o,s:s,s:o}", "code", domain_actions[i].code, "from", from, "to",
			domain_states[domain_actions[i].to].code, "label", labels(domain_actions[i].label)));
	}
	return arr;
}

static json_t *limits_json(void)
{
	return json_pack("{s:i,s:i,s:i,s:i,s:I,s:I,s:i,s:i,s:i}",
		"booking_vehicles_max", BOOKING_VEHICLES_MAX, "booking_plates_max", BOOKING_PLATES_MAX,
		"booking_text_max", BOOKING_TEXT_MAX, "booking_attachments_max", BOOKING_ATTACHMENTS_MAX,
		"attachment_bytes_max", (json_int_t)ATTACHMENT_BYTES_MAX, "declaration_bytes_max",
		(json_int_t)DECLARATION_BYTES_MAX, "search_prefix_min", BOOKING_SEARCH_PREFIX_MIN,
		"list_limit_max", BOOKING_LIST_LIMIT_MAX, "reason_max", BOOKING_REASON_MAX);
}

static json_t *capacity_limits_json(void)
{
	return json_pack("{s:i,s:i,s:i,s:i,s:i,s:i,s:i}", "slots_max", CAPACITY_SLOTS_MAX, "units_max", CAPACITY_UNITS_MAX,
		"horizon_max", CAPACITY_HORIZON_MAX, "cutoff_max", CAPACITY_CUTOFF_MAX, "grace_max", CAPACITY_GRACE_MAX,
		"inflight_max", CAPACITY_INFLIGHT_MAX, "range_max", CAPACITY_RANGE_MAX);
}

json_t *domain_json(void)
{
	json_t *d = json_pack("{s:o,s:o,s:o,s:o,s:o,s:s,s:o}", "kinds", named_list(domain_kinds, KIND_COUNT), "states",
		states_json(), "actions", actions_json(), "attachment_types",
		named_list(domain_attachment_types, ATTACH_COUNT), "option_lists",
		named_list(domain_option_lists, OPTION_LIST_COUNT), "ecommerce_cargo_code", CARGO_ECOMMERCE_LIST, "limits",
		limits_json());
	json_object_set_new(json_object_get(d, "limits"), "capacity", capacity_limits_json());
	json_object_set_new(d, "second_factor", second_factor_json());
	return d;
}
