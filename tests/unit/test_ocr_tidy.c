/* ocr_tidy.c: free-text fields of scanned declarations made to read as printed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "recognize/ocr_tidy.h"

static void check(char *got, const char *want)
{
	assert_non_null(got);
	assert_string_equal(got, want);
	free(got);
}

static void test_remarks_keys_marks_and_label(void **state)
{
	(void)state;
	check(ocr_tidy_remarks("NM 承运车辆,豫A48100,司机,张三"), "N/M 承运车辆：豫A48100,司机：张三");
	check(ocr_tidy_remarks("NA 车牌, 886PVG03 新车出口"), "N/M 车牌：886PVG03 新车出口");
	check(ocr_tidy_remarks("-无 车牌：陕E67463"), "无 车牌：陕E67463");	/* specks before the marks */
	/* issue 13: a set phrase with one ideograph misread; not two, nor a mark */
	check(ocr_tidy_remarks("N/M 本批车辆灼为新车,末办理注册登记 全新车辆"), "N/M 本批车辆均为新车,未办理注册登记 全新车辆");
	check(ocr_tidy_remarks("N/M 本批车辆灼为新午"), "N/M 本批车辆灼为新午");
	check(ocr_tidy_remarks("N/M 市场采购,贸易"), "N/M 市场采购,贸易");
	check(ocr_tidy_remarks("“无 车牌：陕E67463"), "无 车牌：陕E67463");
	check(ocr_tidy_remarks("司 记喷码及备注、 N1M 车牌号 ;新F30267"), "N/M 车牌号：新F30267");
	/* the item table's header run on into the remarks, stray marks before them */
	check(ocr_tidy_remarks("NVM 车号 : 新A78313 新F8020挂 最终目产国 21, 各天国 各, ,"), "N/M 车号：新A78313 新F8020挂");
	check(ocr_tidy_remarks("; N/M 车牌 : 680RSV07 商品名称及规格型号"), "N/M 车牌：680RSV07");
	/* issue 13: specks read as ideographs before the marks and at a value's start */
	check(ocr_tidy_remarks("和 N/M 承运车辆：157CFE13 司机：胡敏芳"), "N/M 承运车辆：157CFE13 司机：胡敏芳");
	check(ocr_tidy_remarks("N/M 车号：了豫B54109 新A7223挂 司机：机 杨伟娜"), "N/M 车号：豫B54109 新A7223挂 司机：杨伟娜");
	check(ocr_tidy_remarks("N/M 司机：张伟 电话：13812345678"), "N/M 司机：张伟 电话：13812345678");
	/* issue 13: 项号 under them read as far as its 项, alone at their end; a word ending in 项 stays */
	check(ocr_tidy_remarks("N/M 车牌：680RSV07 电话：14310557427 项"), "N/M 车牌：680RSV07 电话：14310557427");
	check(ocr_tidy_remarks("N/M 新车出口 共3项"), "N/M 新车出口 共3项");
	/* issue 13: a head misread by one (cut short at the end), 项号 misread before it */
	check(ocr_tidy_remarks("司机：刘敏 电话：18791385214 其号“|六品编号"), "司机：刘敏 电话：18791385214");
	check(ocr_tidy_remarks("LJ1W8G365NX566984 景终目的"), "LJ1W8G365NX566984");
	check(ocr_tidy_remarks("N/M 车号 型号"), "N/M 车号 型号");
	check(ocr_tidy_remarks("N/M 本批商品编码见附件"), "N/M 本批商品编码见附件");
	check(ocr_tidy_remarks("N/M 商品编码见附件"), "N/M 商品编码见附件");
	check(ocr_tidy_remarks("运输车辆 :,728LUS02 交易清单 号 ;SCCG1"), "运输车辆：728LUS02 交易清单号：SCCG1");
	/* a key with no separator after it, and a real N/A, stay as read */
	check(ocr_tidy_remarks("N/A 全新车辆 司机张三"), "N/A 全新车辆 司机张三");
	/* issue 13: 挂 read as 桂 after a plate's digits; a Guangxi plate keeps its 桂 */
	check(ocr_tidy_remarks("车牌：205ADJ10,983CFO07桂,853ULK03 司机：张三"), "车牌：205ADJ10,983CFO07挂,853ULK03 司机：张三");
	check(ocr_tidy_remarks("车牌：新B12345 桂A12345"), "车牌：新B12345 桂A12345");
	check(ocr_tidy_remarks("车牌：新B12345,桂A12345"), "车牌：新B12345,桂A12345");
	/* issue 13: one key's colon lost where every other key (two at least) has one */
	check(ocr_tidy_remarks("无 车牌：233AUO13 转关单号：9402202641158099 司机陈杰强 电话：12812329590"),
		"无 车牌：233AUO13 转关单号：9402202641158099 司机：陈杰强 电话：12812329590");
	check(ocr_tidy_remarks("无 车牌：233AUO13 司机陈杰强"), "无 车牌：233AUO13 司机陈杰强");
	check(ocr_tidy_remarks("无 车牌：233AUO13 转关单号：9402202641158099 司机陈杰强 电话12812329590"),
		"无 车牌：233AUO13 转关单号：9402202641158099 司机陈杰强 电话12812329590");
	/* the text path's own words are left alone */
	check(ocr_tidy_remarks("无"), "无");
	check(ocr_tidy_remarks(""), "");
}

/* The container list after its key: the count and each number followed by
 * ";" as printed, whatever separator OCR read (issue 13). */
static void test_remarks_container_list(void **state)
{
	(void)state;
	check(ocr_tidy_remarks("NAM 车牌：新B20895 集装箱标箱数及号码：4:VQJU5911497;MPDU9201485; 司机：杨静"),
		"N/M 车牌：新B20895 集装箱标箱数及号码：4;VQJU5911497;MPDU9201485; 司机：杨静");
	/* the separator lost after the count, and the list's last one */
	check(ocr_tidy_remarks("集装箱标箱数及号码：2AHNU4190521 司机：刘敏"), "集装箱标箱数及号码：2;AHNU4190521; 司机：刘敏");
	check(ocr_tidy_remarks("集装箱标箱数及号码：3:GDDU8273285:LBZU7045232"), "集装箱标箱数及号码：3;GDDU8273285;LBZU7045232;");
	/* no whole container number: left as read */
	check(ocr_tidy_remarks("集装箱标箱数及号码：1:MRKU663O335"), "集装箱标箱数及号码：1:MRKU663O335");
	check(ocr_tidy_remarks("集装箱标箱数及号码：于 FZAU747428"), "集装箱标箱数及号码：于 FZAU747428");
}

/* Issue 13: the marks N/M as OCR read them at the start of the remarks. */
static void test_marks_misread(void **state)
{
	(void)state;
	check(ocr_tidy_remarks("N7M 运输车辆"), "N/M 运输车辆");
	check(ocr_tidy_remarks("XAM 运输车辆：新B62766"), "N/M 运输车辆：新B62766");
	check(ocr_tidy_remarks("IVM 承运车辆：陕E64883"), "N/M 承运车辆：陕E64883");
	check(ocr_tidy_remarks("XAB 运输车辆"), "XAB 运输车辆");
	check(ocr_tidy_remarks("N/VM运输车辆"), "N/M运输车辆");
	check(ocr_tidy_remarks("1N/M运输车辆"), "N/M运输车辆");
	check(ocr_tidy_remarks("NMM 车号：新D76142"), "N/M 车号：新D76142");
	check(ocr_tidy_remarks("NWM 车号：新D76142"), "N/M 车号：新D76142");
	check(ocr_tidy_remarks("NOTE 运输车辆"), "NOTE 运输车辆");
	check(ocr_tidy_remarks("XA 承运车辆"), "N/M 承运车辆");
	check(ocr_tidy_remarks("MMM 承运车辆"), "N/M 承运车辆");
	check(ocr_tidy_remarks("XAI 承运车辆"), "N/M 承运车辆");
	check(ocr_tidy_remarks("NAL 车牌：新A81156"), "N/M 车牌：新A81156");
	check(ocr_tidy_remarks("IA 承运车辆"), "IA 承运车辆");
	check(ocr_tidy_remarks("MAX 承运车辆"), "MAX 承运车辆");
	/* a key with one character misread before its colon */
	check(ocr_tidy_remarks("N/M 承运车辆：281BGE07 可机 : 黄刚"), "N/M 承运车辆：281BGE07 司机：黄刚");
	check(ocr_tidy_remarks("N/M 有机 肥料"), "N/M 有机 肥料");
	/* after an ideograph, a long key misread by one is still one; a short one is not */
	check(ocr_tidy_remarks("未办理注册登记车绸识别代号:L6TU64B4XSG677964"), "未办理注册登记车辆识别代号：L6TU64B4XSG677964");
	check(ocr_tidy_remarks("新车可机:X"), "新车可机:X");
	check(ocr_tidy_remarks("全新车辆 车架号: LFNL6HDH7SM393588"), "全新车辆 车架号：LFNL6HDH7SM393588");
	/* 关锁号 is a key of its own, not 关封号 misread */
	check(ocr_tidy_remarks("转关单号：9402202641158099 关锁号：GS91475527"), "转关单号：9402202641158099 关锁号：GS91475527");
	check(ocr_tidy_remarks("关钱号 : GS63169143"), "关封号：GS63169143");	/* a seal key misread: still one */
}

static void test_transport_name(void **state)
{
	(void)state;
	/* a transit number one digit too long: the remarks' 16 digits */
	check(ocr_tidy_transport("@99402202579074269", "转关单号：9402202579074269"), "@9402202579074269");
	/* sixteen digits already: two readings, no majority, kept */
	check(ocr_tidy_transport("@9402202579074268", "转关单号：9402202579074269"), "@9402202579074268");
	check(ocr_tidy_transport("@@9402202699384300", ""), "@9402202699384300");	/* its @ read twice */
	/* issue 13: the '@' itself misread; the remarks' number taken */
	check(ocr_tidy_transport("99402202693554583", "转关单号：9402202693554583"), "@9402202693554583");
	check(ocr_tidy_transport("及 。航次号 ; 陕E67463", ""), "陕E67463");	/* the label's colon read ; */
	/* a Chinese plate holds no O nor I (GA 36): 0 and 1 read as them */
	check(ocr_tidy_transport("豫B541O9", ""), "豫B54109");
	check(ocr_tidy_transport("新AI2345/豫B5O1O挂", ""), "新A12345/豫B5010挂");
	check(ocr_tidy_transport("670YDS13;245JLB03", ""), "670YDS13;245JLB03");
	check(ocr_tidy_transport("069402202693554583", "转关单号：9402202693554583"), "@9402202693554583");
	check(ocr_tidy_transport("人@9402202641158099", "转关单号：9402202641158099"), "@9402202641158099");
	check(ocr_tidy_transport("99402202693554583", "司机：陈平涛"), "99402202693554583");	/* no number to agree with */
	/* letters among the digits, the '@' read as three: six characters in a
	 * row shared with the remarks' one number; not a plate's five */
	check(ocr_tidy_transport("OZAOAET158099", "转关单号：9402202641158099"), "@9402202641158099");
	check(ocr_tidy_transport("NT)102202693551583", "转关单号：9402202693554583"), "@9402202693554583");
	check(ocr_tidy_transport("AB35583", "转关单号：9402202693554583"), "AB35583");
	check(ocr_tidy_transport("OZAOAET158099", "转关单号：9402202641158099 9402202641158098"), "OZAOAET158099");
	check(ocr_tidy_transport("新F29275/1402202693554583", "转关单号：9402202693554583"), "新F29275/1402202693554583");
	/* a Kazakh plate: digits, letters, region digits by position */
	check(ocr_tidy_transport("?728LUSO2", ""), "728LUS02");
	/* a Chinese plate: a letter after the province */
	check(ocr_tidy_transport("豫847Q08/20260509", ""), "豫B47Q08/20260509");
	/* a date is no plate */
	check(ocr_tidy_transport("新F16529/20240808", ""), "新F16529/20240808");
	/* issue 13: the label's wrapped end (及航次号) read into the value, misread or not */
	check(ocr_tidy_transport("及航次号793OBQ07/119VPQ13挂", ""), "793OBQ07/119VPQ13挂");
	check(ocr_tidy_transport("及航次号 “新D76142", ""), "新D76142");	/* a quote after it */
	check(ocr_tidy_transport("670YPS13/245JLB03 持", ""), "670YPS13/245JLB03挂");	/* a trailer's 挂 read 持 */
	check(ocr_tidy_transport("新D68275/新B1722 持", ""), "新D68275/新B1722挂");
	check(ocr_tidy_transport("新D68275 持", ""), "新D68275 持");	/* no trailer's plate */
	check(ocr_tidy_transport("421PBU02/008Xoj10挂", ""), "421PBU02/008XOJ10挂");	/* small letters read */
	check(ocr_tidy_transport("及航。次号二D54431/20250424", ""), "D54431/20250424");	/* a speck inside */
	check(ocr_tidy_transport("航及 次号701SUZ02/992DFQ02挂", ""), "701SUZ02/992DFQ02挂");
	check(ocr_tidy_transport("及航次姑330MFB17", ""), "330MFB17");
	/* ... but not a plate's province, nor words that are no part of the label */
	check(ocr_tidy_transport("新D35216/20250407", ""), "新D35216/20250407");
	check(ocr_tidy_transport("汽车运输 新D35216", ""), "汽车运输 新D35216");
	/* issue 13: the label's end before a colon, misread or run on from the cell before; the next cell's label after */
	check(ocr_tidy_transport("及航次号 : 新B62766", ""), "新B62766");
	check(ocr_tidy_transport("太航次后: 陕E54387/新B4490挂", ""), "陕E54387/新B4490挂");
	check(ocr_tidy_transport("HRG52460603625号: 281BGE07", ""), "281BGE07");
	check(ocr_tidy_transport("豫B97715/20240512 从运单与 : HRG48657981424", ""), "豫B97715/20240512");
}

/* Issue 13: Kazakh plates in the remarks, look-alikes by position, runs cut apart. */
static void test_kz_plates(void **state)
{
	(void)state;
	check(ocr_tidy_kz_plates("车牌：680RSV07727UBF17239ZBG17挂 224ZVP03"), "车牌：680RSV07 727UBF17 239ZBG17挂 224ZVP03");
	check(ocr_tidy_kz_plates("8490HX07挂,361DWX05,772AF517挂"), "849OHX07挂,361DWX05,772AFS17挂");
	check(ocr_tidy_kz_plates("挂4396LA07706FRP17挂"), "挂439GLA07 706FRP17挂");
	/* letters read in lower case are the capitals, not misreads */
	check(ocr_tidy_kz_plates("322ovw10188IWlo3"), "322OVW10 188IWL03");
	check(ocr_tidy_kz_plates("3a2ovw10 sov 12345"), "3a2ovw10 sov 12345");
	/* issue 13: one glyph read twice (a look-alike beside it, or its other case) */
	check(ocr_tidy_kz_plates("528QPW07593KWWI17挂356VHA17"), "528QPW07 593KWW17挂356VHA17");
	check(ocr_tidy_kz_plates("528QpW07593kWwW17挂"), "528QPW07 593KWW17挂");
	check(ocr_tidy_kz_plates("593KWWI17"), "593KWW17");
	/* two same letters are the plate's own; two readings: left as read */
	check(ocr_tidy_kz_plates("593KWWW17"), "593KWWW17");
	check(ocr_tidy_kz_plates("5933KW1I7"), "5933KW1I7");
	/* no plate: a date, a seal, a VIN, a container, a run that is not all plates */
	check(ocr_tidy_kz_plates("20250407 GS04020257 LFNL6HDH7SM393588 KCCU5651292 680RSV07HQFU8326"),
		"20250407 GS04020257 LFNL6HDH7SM393588 KCCU5651292 680RSV07HQFU8326");
}

/* Issue 13: a province OCR is known to misread, before a plate's letter and digits. */
static void test_plate_provinces(void **state)
{
	(void)state;
	check(ocr_tidy_plate_provinces("运输车辆：陕E25871,珍B2367挂,新B10810"), "运输车辆：陕E25871,豫B2367挂,新B10810");
	/* a space after it, the letter read 8, the trailer's 挂 read 持 */
	check(ocr_tidy_plate_provinces("车辆：像 B5569 持,瑚8 5569 挂"), "车辆：豫B5569挂,豫B5569挂");
	check(ocr_tidy_plate_provinces("陕E25871/殉B2367挂"), "陕E25871/豫B2367挂");
	check(ocr_tidy_plate_provinces("运输车辆：新IF73825"), "运输车辆：新F73825");	/* a stroke read I */
	check(ocr_tidy_plate_provinces("车牌：205ADJ10,983CFO07桂,853ULK03"), "车牌：205ADJ10,983CFO07挂,853ULK03");
	check(ocr_tidy_plate_provinces("承运车辆:  新 A25474、耶 B47257、攻B 8626 挂"), "承运车辆:  新A25474、豫B47257、新B8626挂");
	/* a province read right: its letter read 8, its 挂 read 持, its letter read twice */
	check(ocr_tidy_plate_provinces("新A1487挂.新898340,豫B2367持新B10810,缚8B97715"),
		"新A1487挂.新B98340,豫B2367挂新B10810,豫B97715");
	/* not in front of a plate, or inside a Chinese word: left alone */
	check(ocr_tidy_plate_provinces("珍珠 像素B12 外贸公司 境外B12345"), "珍珠 像素B12 外贸公司 境外B12345");
	check(ocr_tidy_plate_provinces("除B1234567890"), "除B1234567890");
	/* a speck read as an ideograph after a key's colon or a separator, before a plate */
	check(ocr_tidy_plate_provinces("车号：了豫B54109 新A7223挂"), "车号：豫B54109 新A7223挂");
	check(ocr_tidy_plate_provinces("车号：了蚤8 B54109 新A7223挂"), "车号：豫B54109 新A7223挂");	/* B read 8 too */
	check(ocr_tidy_plate_provinces("车号：了瑰676886,陕E9404挂"), "车号：豫B76886,陕E9404挂");
	check(ocr_tidy_plate_provinces("新D76142、了移B7310挂"), "新D76142、豫B7310挂");
	check(ocr_tidy_plate_provinces("司机：了豫B 电话"), "司机：了豫B 电话");	/* no plate after it */
	/* issue 13: a border's stroke read 一 before the plate, another cell's words after it */
	check(ocr_tidy_transport("一新B64858", ""), "新B64858");
	check(ocr_tidy_transport("陕E25871/豫B2367挂.商务", ""), "陕E25871/豫B2367挂");
	check(ocr_tidy_transport("及航次和号:陕E25871/参B2367挂.商务”", ""), "陕E25871/参B2367挂");
	check(ocr_tidy_transport("一二三", ""), "一二三");
	/* issue 13: the slash between two plates read 7 */
	check(ocr_tidy_transport("陕E543877新B4490挂", ""), "陕E54387/新B4490挂");
	check(ocr_tidy_transport("新D967477 陕E2458挂", ""), "新D96747/陕E2458挂");	/* a space after it */
	check(ocr_tidy_transport("陕E5438新B4490挂", ""), "陕E5438新B4490挂");
	check(ocr_tidy_transport("新B64858/20250101", ""), "新B64858/20250101");
	/* the transport name is repaired the same way */
	check(ocr_tidy_transport("陕E25871/歼B2367挂", ""), "陕E25871/豫B2367挂");
}

/* Issue 13: a list's separators that OCR misread take the list's own. */
static void test_list_separators(void **state)
{
	(void)state;
	json_t *vins = json_pack("[s,s,s,s]", "LFN9MK3E1RM548778", "LFN9MK3EXRM548780", "LFN9MK3E4RM548788",
		"LFN9MK3E6RM548789");
	json_t *plates = json_pack("[s,s,s,s,s]", "陕E25871", "豫B2367挂", "新B10810", "新B98340", "新A1487挂");
	check(ocr_tidy_list_separators("车辆：陕E25871, 豫B2367挂新B10810 .新B98340,新A1487挂 司机", vins, plates),
		"车辆：陕E25871, 豫B2367挂,新B10810, 新B98340,新A1487挂 司机");
	check(ocr_tidy_list_separators("VIN:LFN9MK3E1RM548778,,LFN9MK3EXRM548780,LFN9MK3E4RM548788,LFN9MK3E6RM548789",
		vins, plates), "VIN:LFN9MK3E1RM548778,LFN9MK3EXRM548780,LFN9MK3E4RM548788,LFN9MK3E6RM548789");
	/* issue 13: spaces alone between two plates of a list written with commas: the comma lost;
	 * not between the plates and the VINs that follow them */
	check(ocr_tidy_list_separators("车辆：陕E25871,豫B2367挂 新B10810, 新B98340 LFN9MK3E1RM548778,LFN9MK3EXRM548780",
		vins, plates), "车辆：陕E25871,豫B2367挂, 新B10810, 新B98340 LFN9MK3E1RM548778,LFN9MK3EXRM548780");
	/* a list written with spaces keeps them; words between codes are no gap of a list */
	check(ocr_tidy_list_separators("陕E25871 豫B2367挂 新B10810.新B98340", vins, plates), "陕E25871 豫B2367挂 新B10810 新B98340");
	check(ocr_tidy_list_separators("陕E25871,豫B2367挂 司机 新B10810 新B98340", vins, plates),
		"陕E25871,豫B2367挂 司机 新B10810 新B98340");
	/* issue 13: a point alone between two plates where no other gap tells the
	 * list's separator: a comma misread */
	check(ocr_tidy_list_separators("运输车辆：陕E25871.豫B2367挂 司机", vins, plates), "运输车辆：陕E25871,豫B2367挂 司机");
	check(ocr_tidy_list_separators("陕E25871,豫B2367挂 司机 新B10810.新B98340", vins, plates),
		"陕E25871,豫B2367挂 司机 新B10810,新B98340");
	/* issue 13: a stroke read as 1 in a gap of one list, whatever its separators agree on */
	check(ocr_tidy_list_separators("车牌：陕E25871, 1,豫B2367挂", vins, plates), "车牌：陕E25871,豫B2367挂");
	check(ocr_tidy_list_separators("车牌：陕E25871,I 豫B2367挂", vins, plates), "车牌：陕E25871,豫B2367挂");
	check(ocr_tidy_list_separators("车牌：陕E25871,11,豫B2367挂", vins, plates), "车牌：陕E25871,11,豫B2367挂");
	json_decref(vins);
	json_decref(plates);
}

/* Issue 13: a transport name that holds no plate, read as the remarks' plates. */
static void test_transport_by_plates(void **state)
{
	(void)state;
	json_t *plates = json_pack("[s,s,s]", "444CCW13", "949ZYF17", "604GPB10挂");
	check(ocr_tidy_transport_by_plates("444CCW137949ZYFI17", plates), "444CCW13/949ZYF17");
	/* a plate already there, a transit number, nothing near: as it is */
	check(ocr_tidy_transport_by_plates("新F12345/20250316", plates), "新F12345/20250316");
	check(ocr_tidy_transport_by_plates("@9402202541507970", plates), "@9402202541507970");
	check(ocr_tidy_transport_by_plates("HRG123", plates), "HRG123");
	json_decref(plates);
}

static void test_codes_from_lists(void **state)
{
	(void)state;
	json_t *vins = json_pack("[s,s]", "LFWNXRV5XTA551632", "LGXCH4CD0SF011952");
	json_t *plates = json_pack("[s,s]", "豫B47Q08", "豫B8752挂");
	check(ocr_tidy_codes("运输车辆：驳 8B47Q0 8,豫B 8752挂 LFWNXRVSXTA551632,LGXCH4CDO SF011952", vins, plates),
		"运输车辆：豫B47Q08,豫B8752挂 LFWNXRV5XTA551632,LGXCH4CD0SF011952");
	/* issue 13: a VIN whose maker's code OCR merged or read as an ideograph;
	 * a trailer's 挂 read 持 after its plate */
	json_t *v2 = json_pack("[s,s]", "LJ1W8G360NX566875", "LJ1W8G368NX566879");
	json_t *p2 = json_pack("[s,s]", "豫B2367挂", "新B10810");
	check(ocr_tidy_codes("代号：U1W8G360NX566875, 员 1W8G368NX566879", v2, p2), "代号：LJ1W8G360NX566875, LJ1W8G368NX566879");
	check(ocr_tidy_codes("车辆：玖62367持新B10810", v2, p2), "车辆：豫B2367挂新B10810");
	json_decref(v2);
	/* a list whose maker's code and model the font misread alike: a token
	 * ending in one VIN's serial, near it, is that VIN; not a serial two
	 * VINs share, nor a number far from it (a transit number) */
	json_t *v3 = json_pack("[s,s,s]", "LJ1Z56394PJ109597", "LJ1Z56396PJ109598", "LJ1Z56393PJ109607");
	check(ocr_tidy_codes("代号：U1256394Pj109597,Uj12Z56396pj109598", v3, p2),
		"代号：LJ1Z56394PJ109597,LJ1Z56396PJ109598");
	check(ocr_tidy_codes("转关单号：9402202699109597", v3, p2), "转关单号：9402202699109597");
	json_array_append_new(v3, json_string("LJ1Z56390PK109597"));
	check(ocr_tidy_codes("U1256394Pj109597", v3, p2), "U1256394Pj109597");
	json_decref(v3);
	json_decref(p2);
	/* not a look-alike: a different VIN is not made into a listed one */
	check(ocr_tidy_codes("LGXCH4CD1SF011961", vins, plates), "LGXCH4CD1SF011961");
	json_decref(vins);
	json_decref(plates);
}

static void test_trailers_and_regions(void **state)
{
	(void)state;
	check(ocr_tidy_split_trailers("陕C3394挂转关运输"), "陕C3394挂 转关运输");
	check(ocr_tidy_split_trailers("挂车"), "挂车");
	check(ocr_tidy_split_trailers("980UAX02.333HSS13挂"), "980UAX02 333HSS13挂");
	check(ocr_tidy_split_trailers("毛重12345.93"), "毛重12345.93");
	/* issue 13: a trailer's plate run into the next Kazakh plate */
	check(ocr_tidy_split_trailers("593KWW17挂356VHA17"), "593KWW17挂 356VHA17");
	/* issue 13: 持 read for a trailer's 挂, after a Kazakh plate or a letter and four digits; 持 elsewhere stays */
	check(ocr_tidy_split_trailers("636XZE02,851HCE10持集装箱"), "636XZE02,851HCE10挂 集装箱");
	check(ocr_tidy_split_trailers("打A1487持新B98340"), "打A1487挂 新B98340");
	check(ocr_tidy_split_trailers("A12345持有"), "A12345持有");
	/* spaces before it */
	check(ocr_tidy_split_trailers("636XZE02,851HCE10 持,陂 E7584  持 ."), "636XZE02,851HCE10挂,陂 E7584挂 .");
	check(ocr_tidy_split_trailers("共5 持有 A12345 持"), "共5 持有 A12345 持");
	check(ocr_tidy_split_trailers("持续"), "持续");
	/* 插 and 扩 read for it too (the hand radical kept) */
	check(ocr_tidy_split_trailers("636XZE02,851HCE10插集装箱"), "636XZE02,851HCE10挂 集装箱");
	check(ocr_tidy_split_trailers("打A1487 扩,新B98340"), "打A1487挂,新B98340");
	check(ocr_tidy_split_trailers("扩大 A12345 插"), "扩大 A12345 插");
	/* after a tractor's Kazakh plate run into the trailer's */
	check(ocr_tidy_split_trailers("355ODJ05854WIZ05 插005GDT02"), "355ODJ05854WIZ05挂 005GDT02");
	check(ocr_tidy_split_trailers("3550DJ05854WIZ05 插"), "3550DJ05854WIZ05挂");
	check(ocr_tidy_split_trailers("355ODJ0585 插"), "355ODJ0585 插");
	json_t *r = json_pack("{s:s,s:s}", "code", "37029", "name", "青岛(37029) 青岛");
	ocr_tidy_region(r);
	assert_string_equal(json_string_value(json_object_get(r, "name")), "青岛");
	json_object_set_new(r, "name", json_string("西安We"));
	ocr_tidy_region(r);
	assert_string_equal(json_string_value(json_object_get(r, "name")), "西安");
	json_object_set_new(r, "name", json_string("人 金华"));
	ocr_tidy_region(r);
	assert_string_equal(json_string_value(json_object_get(r, "name")), "金华");
	json_object_set_new(r, "name", json_string("西安"));
	ocr_tidy_region(r);
	assert_string_equal(json_string_value(json_object_get(r, "name")), "西安");
	json_decref(r);
}

/* Issue 13: the letter after a province read 6 or 8 (a digit never stands there). */
static void test_plate_letter_as_digit(void **state)
{
	(void)state;
	check(ocr_tidy_plate_provinces("陕E25871,玖62367持新B10810"), "陕E25871,豫B2367挂新B10810");
	check(ocr_tidy_plate_provinces("新F42404、 新686812、"), "新F42404、 新B86812、");
	/* a letter too many after the plate's own; a new-energy plate's D or F stays */
	check(ocr_tidy_plate_provinces("新FK42404、陕EB64810挂"), "新F42404、陕EB64810挂");
	check(ocr_tidy_plate_provinces("陕EB64810 新AD12345"), "陕E64810 新AD12345");
	/* a number after a province's word, or too long for a plate: left alone */
	check(ocr_tidy_plate_provinces("新车6台 新6123456789"), "新车6台 新6123456789");
}

/* Issue 13: a province read as an ideograph of no province, given by the
 * other plates with the same letter when they agree. */
static void test_plate_unknown_provinces(void **state)
{
	(void)state;
	json_t *plates = json_pack("[s,s,s]", "豫B97715", "新D46205", "豫B54010");
	check(ocr_tidy_plate_unknown_provinces("豫B97715, 聊 B5569挂 ,新D46205", plates),
		"豫B97715, 豫B5569挂 ,新D46205");
	check(ocr_tidy_plate_unknown_provinces("豫B97715. 坎B5569 持 .新D46205", plates), "豫B97715. 豫B5569持 .新D46205");
	check(ocr_tidy_plate_unknown_provinces("车辆：跌 D41603", plates), "车辆：新D41603");
	/* no plate with that letter, plates that differ, a word, a key's end, no plate form: left alone */
	check(ocr_tidy_plate_unknown_provinces("打A1487挂", plates), "打A1487挂");
	json_t *mixed = json_pack("[s,s]", "豫B97715", "新B10810");
	check(ocr_tidy_plate_unknown_provinces("队 B2367挂", mixed), "队 B2367挂");
	/* the same plate stated again (the transport name's copy) gives it first */
	json_t *named = json_pack("[s,s,s]", "陕E25871", "豫B2367挂", "新B10810");
	check(ocr_tidy_plate_unknown_provinces("陕E25871, 队 B2367持", named), "陕E25871, 豫B2367持");
	json_decref(named);
	json_decref(mixed);
	check(ocr_tidy_plate_unknown_provinces("本批B12345 车号 B12345 ,队B123456 ,队B1234", plates),
		"本批B12345 车号 B12345 ,队B123456 ,队B1234");
	json_decref(plates);
	check(ocr_tidy_plates_apart("豫B54010本批车辆,新F1234挂,新F1234持"), "豫B54010 本批车辆,新F1234挂,新F1234持");
}

/* Issue 13: the remarks' punctuation: a full stop between ideographs, a
 * label read twice, specks after the text. */
/* Issue 13: a run of VINs read without their separators, each piece the
 * misread of a VIN of the list, is written as the list holds them. */
static void test_codes_vin_run(void **state)
{
	(void)state;
	json_t *vins = json_pack("[s,s]", "LVVMX3HB9SW222398", "LVVMX3HB5SW222401");
	json_t *plates = json_array();
	/* the VINs parted by a space (the separators OCR lost) */
	check(ocr_tidy_codes("车架号：LVVMX3HB9SW222398LVVMX3HB59W222401", vins, plates),
		"车架号：LVVMX3HB9SW222398 LVVMX3HB5SW222401");
	/* a piece with one glyph read twice */
	check(ocr_tidy_codes("LVVVMX3HB9SW222398LVWMX3HB5SW222401", vins, plates), "LVVMX3HB9SW222398 LVVMX3HB5SW222401");
	/* a piece that is no VIN of the list stays as read between the others */
	check(ocr_tidy_codes("LVVMX3H89SW222398LGXCH4CD1SF011961LVVMX3HB59W222401", vins, plates),
		"LVVMX3HB9SW222398 LGXCH4CD1SF011961 LVVMX3HB5SW222401");
	check(ocr_tidy_codes("LVVMX3HB9SW222398LVVMX3HB59W22240", vins, plates), "LVVMX3HB9SW222398 LVVMX3HB59W22240");
	/* a list read with spaces (joined for plates first): its spaces kept, a
	 * full stop read for one of them the list's separator */
	char *codes = ocr_tidy_codes("代号：LVVMX3HB9SW222398 LVVMX3HB5SW222401.LVVMX3HB9SW222398 LVVMX3HB5SW222401,"
		"LVVMX3HB9SW222398 LVVMX3HB5SW222401", vins, plates);
	check(ocr_tidy_list_separators(codes, vins, plates), "代号：LVVMX3HB9SW222398 LVVMX3HB5SW222401 LVVMX3HB9SW222398 "
		"LVVMX3HB5SW222401 LVVMX3HB9SW222398 LVVMX3HB5SW222401");
	free(codes);
	/* no piece of the list: left as read */
	check(ocr_tidy_codes("LGXCH4CD1SF011961LGXCH4CD1SF011962", vins, plates), "LGXCH4CD1SF011961LGXCH4CD1SF011962");
	json_decref(vins);
	json_decref(plates);
}

/* Issue 13: a plate of the remarks read by look-alikes only takes the
 * list's; a lone other mark between two plates of a list takes the list's. */
static void test_codes_plate_lookalikes(void **state)
{
	(void)state;
	json_t *vins = json_array();
	json_t *plates = json_pack("[s,s,s]", "793OBQ07", "119VPQ13挂", "567IDP07");
	check(ocr_tidy_codes("承运车辆：79308Q07、 119VPQ13挂、567IDP07", vins, plates), "承运车辆：793OBQ07、 119VPQ13挂、567IDP07");
	/* two plates it could be: left as read */
	json_t *two = json_pack("[s,s]", "793OBQ07", "793QBO07");
	check(ocr_tidy_codes("79308Q07", vins, two), "79308Q07");
	json_decref(two);
	json_t *kz = json_pack("[s,s,s,s]", "782AVZ17", "264RUA03", "849OHX07挂", "361DWX05");
	check(ocr_tidy_list_separators("车辆：782AVZ17;264RUA03,849OHX07挂,361DWX05 司机", vins, kz),
		"车辆：782AVZ17,264RUA03,849OHX07挂,361DWX05 司机");
	/* plates parted by 、 and VINs by commas: each list keeps its own */
	json_t *v2 = json_pack("[s,s,s]", "LJ1W8G360NX566875", "LJ1W8G362NX566876", "LJ1W8G368NX566879");
	json_t *p2 = json_pack("[s,s,s,s]", "新F84124", "新D8845挂", "新F42404", "新B86812");
	check(ocr_tidy_list_separators("新F84124、 新D8845挂.新F42404、新B86812 LJ1W8G360NX566875,LJ1W8G362NX566876,"
		"LJ1W8G368NX566879", v2, p2),
		"新F84124、 新D8845挂、新F42404、新B86812 LJ1W8G360NX566875,LJ1W8G362NX566876,LJ1W8G368NX566879");
	json_decref(v2);
	json_decref(p2);
	/* no separator the list agrees on: left as read */
	check(ocr_tidy_list_separators("车辆：782AVZ17;264RUA03,849OHX07挂", vins, kz), "车辆：782AVZ17;264RUA03,849OHX07挂");
	json_decref(kz);
	json_decref(vins);
	json_decref(plates);
}

/* Issue 13: a container of the list read with a speck inside is written as
 * the list holds it; spaces alone stay as printed. */
static void test_containers_written_back(void **state)
{
	(void)state;
	json_t *boxes = json_pack("[s,s]", "NBSU4713855", "LDJU4192074");
	check(ocr_tidy_containers("集装箱号: NBSU 471385 5(20GP),LDJU .4192074(40GP)", boxes),
		"集装箱号: NBSU 471385 5(20GP),LDJU4192074(40GP)");
	/* no container of the list, or other digits: left as read */
	check(ocr_tidy_containers("ABCU .1234567 LDJU .4192075", boxes), "ABCU .1234567 LDJU .4192075");
	json_decref(boxes);
}

static void test_remarks_punctuation(void **state)
{
	(void)state;
	check(ocr_tidy_remarks("本批车辆均为新车. 未办理注册登记"), "本批车辆均为新车， 未办理注册登记");
	check(ocr_tidy_remarks("单价12.5 美元 N.M"), "单价12.5 美元 N.M");
	check(ocr_tidy_remarks("登记 VIN:VIN:LFN9MK3E1RM548778"), "登记 VIN:LFN9MK3E1RM548778");
	check(ocr_tidy_remarks("司机：王伟 司机：李勇"), "司机：王伟 司机：李勇");
	check(ocr_tidy_remarks("运输车辆：新B62766、新F4279挂 . -"), "运输车辆：新B62766、新F4279挂");
	check(ocr_tidy_remarks("运输车辆：新B62766. -"), "运输车辆：新B62766. -");
	/* the cell's label with ideographs read twice */
	check(ocr_tidy_remarks("标记叶码码及及 备备注 无运输车辆：新F84124"), "无运输车辆：新F84124");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_remarks_keys_marks_and_label),
		cmocka_unit_test(test_remarks_container_list),
		cmocka_unit_test(test_transport_name),
		cmocka_unit_test(test_marks_misread),
		cmocka_unit_test(test_kz_plates),
		cmocka_unit_test(test_plate_provinces),
		cmocka_unit_test(test_list_separators),
		cmocka_unit_test(test_transport_by_plates),
		cmocka_unit_test(test_codes_from_lists),
		cmocka_unit_test(test_trailers_and_regions),
		cmocka_unit_test(test_plate_letter_as_digit),
		cmocka_unit_test(test_plate_unknown_provinces),
		cmocka_unit_test(test_remarks_punctuation),
		cmocka_unit_test(test_codes_vin_run),
		cmocka_unit_test(test_codes_plate_lookalikes),
		cmocka_unit_test(test_containers_written_back),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
