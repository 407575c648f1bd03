package main

import "github.com/gridmap/gridmap/internal/gridmap"

// Short descriptions of the kind residents give, by category. Synthetic: no incident is real.
var descriptions = map[string][]string{
	"sanitation": {
		"小区门口垃圾堆积多日未清运", "垃圾桶满溢，异味较大", "路边有建筑垃圾乱倒", "公共厕所卫生差，无人打扫",
		"楼道堆放杂物和垃圾", "河道有漂浮垃圾", "餐馆油污排入路边雨水口", "绿化带内有大件垃圾",
	},
	"road_facility": {
		"人行道地砖松动破损", "路灯不亮已有三天", "窨井盖缺失，存在隐患", "路面坑洼积水", "交通标志牌被撞歪",
		"下水道堵塞，雨天积水", "公交站台顶棚破损", "护栏损坏未修复",
	},
	"illegal_construction": {
		"楼顶违规加盖彩钢棚", "一楼住户私自扩建围墙", "占用公共绿地搭建铁皮房", "阳台违规外扩", "沿街店铺违规搭建雨棚",
		"空地上有人私自搭建临时房",
	},
	"noise": {
		"夜间施工噪声扰民", "广场舞音响声音过大", "楼上装修噪音持续到晚上", "沿街商铺大声播放喇叭", "夜市摊点喧哗到深夜",
		"空调外机噪声大",
	},
	"neighbour_dispute": {
		"邻居漏水影响楼下，协商未果", "邻里因公共通道堆物发生争执", "宠物狗吠叫引发邻里矛盾", "相邻住户因排水问题起纠纷",
		"邻居在楼道安装摄像头引发不满",
	},
	"safety_hazard": {
		"电动车在楼道内充电", "老旧电线私拉乱接", "消防通道被车辆堵塞", "广告牌松动有坠落风险", "燃气管道疑似泄漏有异味",
		"树枝断裂悬挂在路边", "灭火器过期未更换",
	},
	"property_management": {
		"物业不及时维修电梯", "小区门禁损坏多日", "物业费收取有争议", "小区公共照明损坏", "二次供水水箱未按时清洗",
		"小区监控无人管理",
	},
	"parking": {
		"车辆乱停占用人行道", "小区出入口被车辆堵住", "消防通道长期停车", "共享单车乱停乱放", "路边僵尸车长期占用车位",
		"货车占道装卸",
	},
	"utilities": {
		"小区停水未提前通知", "自来水水压不足", "片区停电，咨询恢复时间", "燃气费异常偏高", "水管爆裂漏水",
		"热水器燃气供应不稳定",
	},
	"greenery": {
		"行道树枝叶遮挡路灯", "绿化带杂草丛生", "树木倒伏需清理", "小区绿地被改种蔬菜", "草坪枯死无人补种",
	},
	"elderly_service": {
		"独居老人需要定期探访", "咨询高龄补贴申领", "老人家中需要安装扶手", "老年食堂就餐预约", "老人走失后已找到，需后续关怀",
	},
	"other": {
		"咨询居住证办理流程", "反映社区活动场地不足", "建议增设公共座椅", "咨询疫苗接种安排", "反映快递驿站排队时间长",
	},
}

// villageDescriptions replace the general ones for grids in villages, where they differ.
var villageDescriptions = map[string][]string{
	"sanitation":           {"村道旁垃圾堆积", "水沟堵塞发臭", "村口垃圾收集点未及时清运", "田边有人焚烧秸秆和垃圾", "养殖废水直排沟渠"},
	"road_facility":        {"村道路面破损", "村道路灯损坏", "桥梁栏杆松动", "雨后村道积水严重", "村口减速带损坏"},
	"illegal_construction": {"农田上违规建房", "村民私自加层", "占用村道搭建棚屋", "河道边违规搭建"},
	"parking":              {"货车停放占用村道", "村口车辆乱停影响通行"},
}

// hotspotDescriptions are told of a place that draws many reports: a market, a school gate, an
// old residential block or a large compound.
var hotspotDescriptions = map[string]map[string][]string{
	"market": {
		"sanitation":    {"农贸市场门口垃圾成堆", "市场周边污水横流", "菜市场早市后地面脏乱"},
		"parking":       {"市场门口车辆乱停堵塞道路", "三轮车占道经营"},
		"road_facility": {"市场周边路面破损积水"},
		"noise":         {"市场凌晨卸货噪音大"},
		"safety_hazard": {"市场摊位私拉电线"},
	},
	"school": {
		"parking":       {"放学时段校门口车辆拥堵", "家长接送车辆占用人行道"},
		"safety_hazard": {"校门口缺少护栏，学生过马路危险", "校门口流动摊贩食品安全隐患"},
		"road_facility": {"学校附近斑马线模糊不清"},
	},
	"oldblock": {
		"property_management": {"老旧小区无物业，公共设施无人维修", "老旧小区楼道灯坏"},
		"utilities":           {"老旧小区水管老化漏水", "老旧小区电表箱老化"},
		"safety_hazard":       {"老房子外墙脱落", "楼道电动车充电隐患"},
		"elderly_service":     {"楼里独居老人需要帮助"},
	},
	"compound": {
		"property_management": {"小区物业服务不到位", "地下车库漏水", "电梯频繁故障"},
		"parking":             {"小区地面停车混乱", "访客车辆无处停放"},
		"noise":               {"小区内装修噪音扰民"},
	},
}

// seaDescriptions are reports located out at sea, on the bay beyond the coast.
var seaDescriptions = map[string][]string{
	"sanitation":    {"海面有大量漂浮垃圾", "滩涂上堆积塑料垃圾"},
	"safety_hazard": {"渔排附近发现油污", "有人在禁渔区捕捞"},
	"other":         {"定位偏差，实际地址待核实"},
}

// orderDescriptions are elderly one-click orders (一键下单): what the person asked for at home.
var orderDescriptions = []string{
	"一键下单：需要上门送餐", "一键下单：代购日常药品", "一键下单：家中水龙头漏水需维修", "一键下单：预约上门理发",
	"一键下单：陪同前往医院复诊", "一键下单：代缴水电费", "一键下单：灯泡损坏需更换", "一键下单：上门测量血压",
	"一键下单：帮忙打扫卫生", "一键下单：教用智能手机视频通话", "一键下单：代取快递包裹", "一键下单：换煤气罐",
}

// describe picks a description for an incident of category in context ("", a hotspot kind,
// "village" or "sea").
func describe(r *rng, category, context string) string {
	if context == "sea" {
		if list, ok := seaDescriptions[category]; ok {
			return pick(r, list)
		}
	}
	if hot, ok := hotspotDescriptions[context]; ok {
		if list, ok := hot[category]; ok && r.chance(0.75) {
			return pick(r, list)
		}
	}
	if list, ok := villageDescriptions[category]; ok && context == "village" && r.chance(0.7) {
		return pick(r, list)
	}
	if list, ok := descriptions[category]; ok {
		return pick(r, list)
	}
	c, _ := gridmap.CategoryByCode(category)
	return c.ZH
}
