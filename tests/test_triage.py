"""The teaching triage demo (chapter 3): red flags first, scoped negation, gates after the
red-flag scan, the safety net, age/sex before redirects, bad input, and the independent
evaluation (targets on the untouched test split)."""
import pandas as pd
import pytest

from ihbook.chapters import pre_diagnosis as prediagnosis
from ihbook.chapters import triage
from ihbook.chapters import triage_cues as cues
from ihbook.chapters import triage_eval
from ihbook.chapters import triage_redflags as redflags
from ihbook.chapters import triage_show
from ihbook.evidence import text
from ihbook.evidence.paths import CHART_DATA


@pytest.fixture
def shown(monkeypatch):
    out = []
    import IPython.display

    monkeypatch.setattr(IPython.display, "display", lambda obj, raw=False: out.append(obj))
    return out


# --- data -------------------------------------------------------------------------------------

def test_lexicon_rules_and_cues_are_sound():
    assert triage.check_lexicon() == []
    assert redflags.check() == []
    lex = triage.lexicon()
    assert set(lex.kind) == triage.KINDS and "急诊" not in set(lex.department)


def test_every_category_names_its_guideline():
    cats = redflags.categories()
    assert len(cats) >= 12 and cats.category.is_unique
    assert cats.url.str.startswith("http").all() and (cats.guideline_quote.str.len() > 5).all()
    assert set(cats.category) == set(redflags.rules().category)
    table = redflags.guideline_table()
    assert "原文" in table.columns and (table["规则数"] > 0).all()


def test_lexicon_check_reports_row_and_column(tmp_path):
    bad = tmp_path / "lex.csv"
    bad.write_text("term,synonyms,kind,department,weight,follow_up,note\n"
                   "咳嗽,,symptom,不存在科,2,,\n胸痛,,red_flag,急诊,x,,\n咳嗽,,symptom,呼吸内科,1,,\n", encoding="utf-8")
    errors = "\n".join(triage.check_lexicon(bad))
    assert "第 2 行，列 department" in errors and "第 3 行，列 kind" in errors
    assert "列 weight" in errors and "已在第 2 行出现" in errors


def test_rule_syntax_errors_are_reported(monkeypatch):
    rules = redflags.rules().copy()
    rules.loc[0, "pattern"] = "{NO_SUCH_CONCEPT}疼"
    monkeypatch.setattr(redflags, "rules", lambda: rules)
    assert any("未知概念" in e for e in redflags.check())


# --- red flags --------------------------------------------------------------------------------

@pytest.mark.parametrize("rule_id,category,example", [
    (r.rule_id, r.category, r.example) for r in redflags.rules().itertuples()])
def test_every_rule_example_is_flagged(rule_id, category, example):
    res = triage.triage(example)
    assert res.status == "red_flag", (rule_id, example)
    assert category in {h.category for h in redflags.present(res.red_flags)}, (rule_id, example)


# three or more ways to say each category: colloquial, third person, traditional, dialect, mixed
PHRASINGS = {
    "chest_pain": ["胸口疼得厉害，出了一身冷汗", "我老公说心口像压了块石头", "胸口悶痛，左手臂發麻", "chest pain 半小时了"],
    "breathing": ["他喘不上来气了", "气都倒不过来，躺都躺不下", "我媽呼吸困難，嘴唇發紫", "突然 can't breathe"],
    "stroke": ["我爸嘴歪了，口水往外流", "奶奶突然说不出话，右手抬不起来", "爺爺說話含糊不清", "半边身子突然没劲了"],
    "unconscious": ["他叫不醒", "俺家老爷子咋招呼都不醒", "邻居无缘无故晕倒了", "他 passed out 了"],
    "seizure": ["孩子抽风了", "宝宝发着高烧，手脚一抽一抽的", "我兒子全身抽搐，口吐白沫", "又发羊角风了"],
    "bleeding": ["手上的血止不住", "切菜切到手，血哗哗往外冒", "刚才吐了一大口血", "流血不止🩸"],
    "allergy": ["吃了花生以后嗓子发紧，喘不上气", "打完针过敏性休克", "被蜂蛰了以后嗓子肿，喘不过气"],
    "self_harm": ["我不想活了", "她在偷偷攒安眠药", "已經寫好遺書", "活着没意思，想一了百了"],
    "poisoning": ["他把一整瓶安眠药都吃了", "孩子喝了一口洗洁精", "我家两岁孩子把降压药吃了好几片", "她 overdose 了"],
    "ingestion": ["孩子把一颗纽扣电池吞下去了", "鱼刺卡在喉咙里", "吃东西噎住了，说不出话", "宝宝 choking"],
    "trauma": ["他从二楼摔下来了", "出车祸了，叫他没反应", "摔了一跤磕到后脑勺，一直想吐", "开水浇了半个身子，大片烫伤"],
    "headache": ["突然头疼得像要炸开", "頭痛欲裂", "脑壳疼得像要裂开"],
    "pregnancy": ["怀孕二十周，出血很多还有血块", "怀孕八周，肚子疼得直不起腰", "懷孕三十二週，下面一直流血"],
    "child_danger": ["两个月大的宝宝发烧了", "孩子发烧，叫不醒", "发高烧，脖子发硬", "宝宝呼吸很快，肋骨一吸一凹的"],
    "shock": ["脸色煞白，一直冒冷汗", "手脚冰凉，出冷汗，人有点迷糊", "可能是休克了"],
    "abdominal": ["肚子疼得满床打滚", "三天没拉屎没放屁，肚子胀得像鼓", "右下腹疼得越来越厉害，直不起腰"],
    "diabetic": ["打完胰岛素没吃饭，现在说胡话", "血糖只有2.0，冒冷汗", "低血糖，叫他没反应"],
}


def test_every_category_has_three_phrasings_in_this_test():
    assert set(PHRASINGS) == set(redflags.categories().category)
    assert all(len(v) >= 3 for v in PHRASINGS.values())


@pytest.mark.parametrize("category,complaint", [(c, p) for c, ps in PHRASINGS.items() for p in ps])
def test_red_flag_phrased_many_ways(category, complaint):
    res = triage.triage(complaint)
    assert res.status == "red_flag", complaint
    assert res.message == triage.EMERGENCY == "请立即线下就医或拨打 120"
    assert res.label == "急诊"


def test_red_flag_overrides_everything_else():
    for s in ["咳嗽三天，今天突然胸痛", "想挂个号，我爸嘴歪了", "医保能报销吗？孩子抽风了"]:
        res = triage.triage(s)
        assert res.status == "red_flag" and res.department == "急诊"
        assert "请立即线下就医或拨打 120" in triage.explain_html(res)


# --- negation ---------------------------------------------------------------------------------

@pytest.mark.parametrize("complaint", [
    "没有胸痛", "胸口不疼，就是咳嗽", "咳嗽，没有发烧，也不胸痛", "没有发烧、胸痛", "没有胸闷胸痛，血脂偏高",
    "怀孕十周，没有出血", "我没有想自杀，就是睡不好", "孩子发烧，没有抽"])
def test_negation_cancels_the_symptom(complaint):
    assert triage.triage(complaint).status != "red_flag", complaint


@pytest.mark.parametrize("complaint", [
    "血止不住", "抽搐停不下来", "无缘无故晕倒了", "是不是中风了", "忍不住想自杀", "鼻血流了一个小时都没停",
    "吃东西噎住了，咳不出来", "气都喘不上来"])
def test_fixed_expressions_do_not_negate(complaint):
    assert triage.triage(complaint).status == "red_flag", complaint


def test_negated_terms_are_shown_not_counted():
    res = triage.triage("咳嗽，没有发烧，也不胸痛")
    assert res.status == "ok" and res.department == "呼吸内科"
    assert {"发烧"} <= {m.word for m in res.matches if m.negated}
    assert "被否定" in triage.explain_text(res)


def test_negation_is_scoped():
    assert cues.negated_before("没有发烧", 2)
    assert cues.negated_before("没有发烧和咳嗽", 5)
    assert not cues.negated_before("没事今天胸痛", 4)
    assert not cues.negated_before("止不住地流血", 4)
    assert not cues.negated_before("不发烧但是胸痛", 5)


# --- gates run after the red-flag scan ----------------------------------------------------------

def test_long_input_with_an_emergency_is_flagged():
    long = "医生您好，" + "我父亲平时身体还行，每天早上去公园打太极。" * 60 + "今天中午突然右边手脚没劲，嘴也歪了。"
    assert len(long) > triage.MAX_CHARS
    res = triage.triage(long)
    assert res.status == "red_flag"
    assert len(triage.explain_text(res)) < 600


@pytest.mark.parametrize("complaint", [
    "胸口疼😭😭😭出冷汗", "🚑🚑 他叫不醒", "<b>我爸突然说不出话，嘴歪了</b>", "血压>180，突然说话不清",
    "高压>200，头疼得像要炸开", "叫 不 醒", "胸*口*疼得厉害", "&lt;急&gt;喘不上气"])
def test_emoji_markup_and_symbols_do_not_hide_red_flags(complaint):
    assert triage.triage(complaint).status == "red_flag", complaint


def test_emoji_is_not_a_reason_to_refuse():
    res = triage.triage("肚子疼😭😭，拉肚子两天")
    assert res.status == "ok" and res.department == "消化内科"


# --- safety net, low confidence -----------------------------------------------------------------

@pytest.mark.parametrize("complaint", ["你好，在吗", "想挂个号，不知道挂哪个科", "我想问一下医保怎么报销"])
def test_unknown_always_carries_the_safety_net(complaint):
    res = triage.triage(complaint)
    assert res.status == "unknown" and res.safety_net == triage.SAFETY_NET
    assert "120" in res.safety_net and "120" in triage.answer(res)
    assert triage.SAFETY_NET in triage.explain_text(res) and "120" in triage.explain_html(res)


def test_low_confidence_carries_the_safety_net_confident_does_not():
    weak = triage.triage("膝盖")
    assert weak.status == "ok" and weak.safety_net
    strong = triage.triage("咳嗽三天了，有黄痰，低烧")
    assert strong.status == "ok" and strong.department == "呼吸内科" and not strong.safety_net


# --- age and sex before redirects ----------------------------------------------------------------

@pytest.mark.parametrize("complaint,dept", [
    ("我儿子25岁，发烧咳嗽", "呼吸内科"), ("我女儿二十八岁了，最近老是心慌", "心血管内科"),
    ("儿子在上大学，最近拉肚子", "消化内科"), ("孩子五岁，发烧咳嗽", "儿科"), ("宝宝三个月大，拉肚子", "儿科"),
    ("我儿子，三岁，咳嗽有痰", "儿科"), ("三十岁，发烧咳嗽", "呼吸内科")])
def test_age_decides_paediatrics_not_the_family_word(complaint, dept):
    assert triage.rules(complaint).department == dept, complaint          # the mechanism, in the rule layer
    answer = triage.triage(complaint).department                            # and what a reader sees
    assert (answer == "儿科") == (dept == "儿科"), (complaint, answer)      # the fallback never undoes it


@pytest.mark.parametrize("complaint,not_dept,dept", [
    ("没有怀孕，恶心想吐", "产科", "消化内科"), ("没怀孕，月经推迟了十几天", "产科", "妇科"),
    ("备孕中，最近胃胀", "产科", "消化内科"), ("男，45岁，小肚子胀", "妇科", None)])
def test_pregnancy_and_sex_redirects(complaint, not_dept, dept):
    res = triage.triage(complaint)
    assert res.department != not_dept, complaint
    if dept:
        assert res.department == dept, complaint
    assert triage.triage("怀孕八周，恶心想吐").department == "产科"


def test_patient_parsing():
    p = cues.patient("我儿子25岁")
    assert p.age == 25 and not p.child and p.sex == "男"
    assert cues.patient("闺女八个月，老是哭闹").child
    assert not cues.patient("没有怀孕").pregnant and cues.patient("怀孕六周").pregnant
    assert cues.age("六十几岁") == 60 and cues.age("宝宝6个月大") == 0.5


# --- the body-part and vocabulary problems the issue names ----------------------------------------

@pytest.mark.parametrize("complaint,dept", [
    ("吃完饭胸口胀", "消化内科"), ("脖子上长了一些红点，有点痒", "皮肤科"), ("頭痛三天", "神经内科"),
    ("喉嚨痛，吞口水會痛", "耳鼻喉科"), ("脑壳疼，疼了好几年", "神经内科"), ("屙稀三天了", "消化内科"),
    ("月经量很多，七八天才干净", "妇科"), ("眼睛干，老想眨眼", "眼科"), ("小便的时候尿道灼热", "泌尿外科"),
    ("左边膝盖上楼梯的时候疼", "骨科"), ("肚子不疼但是胀", "消化内科")])
def test_common_complaints_and_variants(complaint, dept):
    res = triage.triage(complaint)
    assert res.status == "ok" and res.department == dept, (complaint, res.label)


# indirect descriptions written by the engine's author (not the eval set): a regression check
AUTHOR_PARAPHRASES = {
 '内分泌科': ['饭量比以前大了一倍，人却一个劲地掉肉','一天到晚嗓子眼冒烟似的渴，夜里要起来好几趟','怕冷得很，脸也肿，人胖了一圈还老犯困','脖子这儿鼓出来一块，吞东西的时候跟着上下动','最近老是饿得心慌，手心直冒汗，吃块糖就好'],
 '心血管内科': ['上两层楼就得停下来歇，脚脖子一到晚上就肿','心里一阵阵乱跳，像打鼓没有节奏','躺平了就憋得睡不着，得垫高枕头','量了几次血压，高的那个总在一百五六','心口时不时隐隐发闷，走快了更明显'],
 '消化内科': ['肚子里老是咕咕叫，一吃凉的就往厕所跑','饭后老打饱嗝，嘴里一股酸味','拉出来的东西颜色发白像陶土','吃一点油腻的右上边就胀得难受','大便几天才一次，跟羊粪蛋似的'],
 '耳鼻喉科': ['耳朵里像灌了水一样闷，自己说话有回声','嗓子里总像有口痰，吐不出来也咽不下去','鼻子一到早上就狂打喷嚏流清水','说话嗓子发劈，声音沙沙的','闻什么都没味了，连香水都闻不出来'],
 '肛肠科': ['上完大号后面火辣辣地疼，纸上有鲜红的血','屁股那儿鼓起一个肉疙瘩，坐着疼','大便的时候有个东西掉出来，完了自己缩回去','肛门边上老是湿乎乎的，还痒','蹲坑的时候像刀割一样疼'],
 '风湿免疫科': ['早上起来手指头僵得握不拢，要活动半小时才好','好几个关节轮着肿，一会儿这个一会儿那个','脚大拇指半夜疼醒，又红又肿碰都不能碰','嘴巴干得吃饼干都得就着水，眼睛也干涩','一受凉手指头就先发白再发紫'],
 '精神心理科': ['整个人像被抽空了，干什么都提不起劲','一到人多的地方就心跳加速想逃跑','脑子里老是冒出可怕的念头，控制不住','晚上躺下脑子就停不下来，翻来覆去到天亮','总觉得自己什么都做不好，拖累家里人'],
 '泌尿外科': ['尿尿要等半天才出来，尿完还滴滴答答','腰眼那里一阵阵绞着疼，尿像洗肉水','蛋蛋那儿坠着疼','撒尿的时候火辣辣的，一会儿就想去','晚上起来解小便四五次，尿线细'],
 '肾内科': ['早上起来眼皮肿得像金鱼，尿里泡泡半天不散','体检说尿蛋白两个加号','腿一按一个坑，尿也少了','肌酐有点高，医生让我复查','尿的颜色像可乐，眼皮也肿'],
 '妇科': ['那个来的时候小肚子坠得厉害','下面分泌物像豆腐渣一样，还痒','好几个月没来了，也没怀孕','同房后有点出血','例假前胸胀脾气大'],
 '神经内科': ['手一直抖，端杯子水都洒','一转头就天旋地转，想吐','半边脸像过电一样疼，吃饭刷牙就发作','脑袋像戴了个紧箍，闷闷地疼','走路越来越慢，小碎步'],
 '呼吸内科': ['一晚上吭吭吭停不下来，吐出来的东西黄黄的','一变天就喘，嗓子里像拉风箱','感冒好了还一直咳，咳得肚子疼','爬坡就喘不匀，抽烟三十年了','痰里偶尔带点血丝'],
}


def test_author_paraphrases_mostly_routed():
    got = [(d, s, triage.triage(s).label) for d, ss in AUTHOR_PARAPHRASES.items() for s in ss]
    wrong = [(d, s, g) for d, s, g in got if g != d]
    assert len(got) >= 60 and len(wrong) <= 0.1 * len(got), wrong


# --- bad input --------------------------------------------------------------------------------

@pytest.mark.parametrize("bad,needle", [
    ("", "空"), ("   \n", "空"), ("\u3000\u3000", "空"), ("👍👍🙏", "空"), (None, "文字"), (42, "文字"), (["头痛"], "文字"),
    ("<script>alert('x')</script>头痛", "网页标记"), ("头痛 <b>很痛</b>", "网页标记"),
    ("I have a headache and fever", "中文"), ("12345 !!!", "中文"), ("'; DROP TABLE patients; --", "中文"),
    ("测试消息，" * 450, "过长")])
def test_bad_input_gets_a_clear_message(bad, needle):
    res = triage.triage(bad)
    assert res.status == "invalid" and needle in res.message
    assert res.safety_net == triage.SAFETY_NET
    html = triage.explain_html(res)
    assert "<script>" not in html and "<b>很痛" not in html


def test_over_long_input_is_not_echoed_whole():
    long = "测试消息，" * 500
    res = triage.triage(long)
    assert res.status == "invalid" and len(res.text) < 80 and "共 2500 字" in res.text
    assert long[:200] not in triage.explain_html(res) and long[:200] not in triage.explain_text(res)


def test_demo_displays_escaped_html(shown):
    triage.demo("<img src=x onerror=alert(1)>")
    assert "<img src=x" not in shown[-1]["text/html"] and "&lt;img" in shown[-1]["text/html"]
    triage.demo("咳嗽三天，有黄痰")
    assert "呼吸内科" in shown[-1]["text/plain"]


@pytest.mark.parametrize("s,n", [("五", 5), ("十", 10), ("十三", 13), ("三十", 30), ("三十五", 35), ("一百零二", 102),
                                 ("12", 12), ("几", None)])
def test_chinese_numbers(s, n):
    assert triage.cn_number(s) == n


def test_tokenizer_keeps_shared_jieba_untouched():
    assert "拿不住筷子" not in text.cut("他拿不住筷子")
    assert "嗓子疼" in triage.tokenizer().lcut("嗓子疼两天")


# --- the independent evaluation ------------------------------------------------------------------

def test_eval_set_is_big_enough_and_split():
    ev = triage_eval.load()
    assert len(ev) >= 200 and ev.case_id.is_unique and set(ev.split) == {"dev", "test", "holdout", "holdout2"}
    k = ev.kind.value_counts()
    assert k["emergency"] >= 80 and k["ordinary"] + k["paraphrase"] >= 100 and k["bad_input"] >= 20
    em = ev[ev.kind == "emergency"]
    assert (em.expected_red_flag == 1).all() and em.category.nunique() >= 10
    assert ev[ev.kind.isin(["ordinary", "paraphrase"])].expected_department.nunique() >= 15
    for phr in ["colloquial", "indirect", "third_person", "traditional", "dialect", "mixed_en"]:
        assert phr in set(ev.phrasing), phr


def test_test_split_meets_the_targets():
    """Computed on the untouched test split; the engine was tuned on dev only."""
    m = triage_eval.metrics("test")
    print("\n测试集：红旗召回率 {recall:.1%}，误报率 {false_alarm:.1%}，科室准确率 普通 {ordinary:.1%} / "
          "换说法 {paraphrase:.1%}，无效输入 {bad_input:.0%}".format(**m))
    ev = triage_eval.evaluate("test")
    missed = ev[(ev.kind == "emergency") & ~ev.flagged]
    print("漏掉的红旗：", "、".join(f"{r.case_id}（{r.category}）" for r in missed.itertuples()) or "无")
    assert m["bad_input"] == 1.0
    assert m["recall"] >= 0.95
    assert m["false_alarm"] <= 0.10
    assert m["ordinary"] >= 0.85


def test_test_split_meets_the_paraphrase_target():
    """Met once the statistical fallback answers where the rules are unsure (chapter 3 shows rules alone vs both)."""
    assert triage_eval.metrics("test")["paraphrase"] >= triage_eval.TARGETS["paraphrase"]


def test_eval_tables_for_the_chapter():
    t = triage_eval.summary_table()
    assert list(t.index)[:2] == ["开发集（调参用）", "测试集（调参时未读过）"]
    err = triage_eval.errors("test")
    assert set(err.columns) >= {"编号", "类型", "主诉", "应答", "演示"}
    assert (err["主诉"].str.len() <= 80).all()
    ev = triage_eval.evaluate("test")
    assert ev[ev.kind == "bad_input"].echoed.max() <= 80


def test_authors_cases_still_consistent():
    ev = triage.evaluate()
    authors = ev[ev.set == "作者例句"]
    assert len(authors) >= 40 and authors.correct.mean() >= 0.9


# --- widgets and the chapter's figures --------------------------------------------------------------

def test_examples_widget_is_kernel_free_and_live_widget_responds():
    import ipywidgets as w

    box = triage_show.examples_widget([("甲", "咳嗽三天"), ("乙", "突然胸痛")])
    ctl, stack = box.children
    assert isinstance(ctl, w.ToggleButtons) and isinstance(stack, w.Stack) and len(stack.children) == 2
    assert "请立即线下就医或拨打 120" in stack.children[1].children[0].value
    ui = triage.live_widget()
    area, button, out = ui.children
    area.value = "<b>牙疼</b>"
    button.click()
    assert "网页标记" in out.value and "<b>牙疼" not in out.value and "&lt;b&gt;牙疼" in out.value
    area.value = "牙疼得睡不着"
    button.click()
    assert "口腔科" in out.value


def test_flow_steps_are_verbatim_and_published(shown):
    assert prediagnosis.check_flow() == []
    prediagnosis.publish_flow()
    html = shown[-1]["text/html"]
    assert 'class="ihbook-chart"' in html and "来源：艾瑞咨询研究院" in html and 'alt="互联网医疗诊前流程' in html
    csv = pd.read_csv(CHART_DATA / "ch03-flow.csv")
    assert set(csv.source_id) == {"iresearch-2020"} and csv.quote.notna().all()


def test_prediagnosis_charts_publish(shown):
    prediagnosis.attitudes_chart()
    assert "WS21-005" in pd.read_csv(CHART_DATA / "ch03-attitudes.csv").claim_id.tolist()
    prediagnosis.pandemic_chart()
    assert "三个来源" in shown[-1]["text/plain"]


# --- paraphrase routing: speaker, simile, degree, time, combinations, sites (phase 2) ------------

@pytest.mark.parametrize("complaint,dept", [
    ("咳嗽一个礼拜了，吵得我老婆都睡不着", "呼吸内科"),            # someone else's sleep is not the patient's symptom
    ("手上起了一片疹子，痒得睡不着觉", "皮肤科"),                  # 痒得…: a degree, not insomnia
    ("每天早上咳出泡沫样的痰", "呼吸内科"),                        # 泡沫样的: a simile describing the sputum
    ("每次来例假之前脸上就长痘", "皮肤科"),                        # 例假之前: when, not what
    ("眼睛干得发涩，嘴也干，老得喝水", "风湿免疫科"),              # dry eyes + dry mouth
    ("大腿上摸到一个软软的包，不疼", "普通外科"),                  # a lump under the skin
    ("嗓子下面气管那里发痒，老咳", "呼吸内科"),                    # the nearer site owns the sensation
    ("生孩子以后一直便秘", "消化内科"),                            # 生孩子: not a child patient
    ("生完孩子两个月，伤口还有点疼", "产科"),                      # postpartum → obstetrics
    ("我老公解小手的时候刺刺的", "泌尿外科"),
    ("孩子三岁，这两天便便有点稀", "儿科"),
    ("宝宝八个月，脸上起了一片湿疹", "儿科"),                      # a young child's skin → 儿科
])
def test_paraphrase_routing_mechanisms(complaint, dept):
    """Each mechanism of the rule layer (the statistical fallback may still overrule it, see below)."""
    assert triage.rules(complaint).label == dept


@pytest.mark.parametrize("complaint,dept", [("生完孩子两个月，伤口还有点疼", "产科"), ("孩子三岁，这两天便便有点稀", "儿科"),
                                            ("宝宝八个月，脸上起了一片湿疹", "儿科"), ("怀孕八周，恶心想吐", "产科")])
def test_fallback_never_overrules_a_mapping_by_who_the_patient_is(complaint, dept):
    """儿科 and 产科 depend on the patient, not the words: the fallback has no such class and leaves them."""
    assert triage.triage(complaint).label == dept
    assert fallback.threshold(triage.rules(complaint)) is None


@pytest.mark.parametrize("complaint", [
    "屋里生着炉子，两个人都头晕想吐", "打完针十分钟嘴唇就肿了，有点站不住", "孩子才一个月，摸着烫手",
    "我家小子发烧，蔫蔫的一直睡", "油锅着了火，手臂烧得起了大泡", "肚痛到出冷汗",
    "我爸刚搬完东西，胸口闷闷地压着，歇了半小时也不见好"])
def test_more_red_flags_in_everyday_words(complaint):
    assert triage.triage(complaint).red_flag


def test_hoarse_voice_is_not_a_stroke():
    assert triage.triage("当了一天导游，嗓子沙哑，说话费劲").label == "耳鼻喉科"


def test_dev_extra_rows_join_the_development_split():
    dev = triage_eval.load("dev")
    assert set(dev.file) == {"triage_eval.csv", "triage_dev_extra.csv"}
    assert (dev[dev.file == "triage_dev_extra.csv"].split == "dev").all()
    assert "triage_dev_extra.csv" not in set(triage_eval.load("test").file)


# --- the statistical fallback (triage_fallback): where the rules are unsure ---

from ihbook.chapters import triage_fallback as fallback  # noqa: E402

ALWAYS = {"unknown": 0.0, "low": 0.0, "ok": 0.0}   # the fallback allowed everywhere it may ever run


def test_fallback_learns_only_from_corpus_dev_rows_and_lexicon():
    rows = fallback.training_rows()
    ev = triage_eval.load()
    allowed = set(fallback.corpus().case_id) | set(ev[ev.split == "dev"].case_id)
    assert set(rows[~rows.case_id.str.startswith("LEX:")].case_id) <= allowed
    assert not set(rows.case_id) & set(ev[ev.split.isin(["test", "holdout", "holdout2"])].case_id)
    assert not set(rows.text) & set(ev[ev.split.isin(["test", "holdout", "holdout2"])].complaint)
    assert triage.EMERGENCY_DEPT not in fallback.model().classes
    assert fallback.NONE in fallback.model().classes


def test_training_corpus_is_independent_of_the_evaluation_sets():
    """No training complaint is (after normalising) an evaluation complaint: the writers never saw them."""
    train = {triage.normalize(t) for t in fallback.corpus().text}
    ev = triage_eval.load()
    assert not (train & {triage.normalize(t) for t in ev.complaint if t}) - {""}
    c = fallback.corpus()
    assert set(c.department) - {fallback.NONE} <= set(triage.DEPARTMENTS) - {triage.EMERGENCY_DEPT}
    assert (c[c.writer != "none"].groupby("writer").department.nunique() == 23).all()


@pytest.mark.parametrize("complaint", ["胸口疼得厉害，出冷汗，喘不上气", "我不想活了，药都准备好了", "孩子吞了一颗纽扣电池",
                                       "嗓子疼，咽东西的时候更疼", "大姨妈来的时候量特别多", "aaaa 随便写点什么"])
def test_fallback_never_answers_emergency(complaint):
    got = fallback.route(complaint, min_prob=0.0, min_evidence=0)
    assert got.department != triage.EMERGENCY_DEPT
    assert got.department in set(triage.DEPARTMENTS) | {""}


@pytest.mark.parametrize("complaint", ["胸口疼得厉害，出冷汗，喘不上气", "我爸刚才突然嘴歪了，叫他也不太应", "切菜切到手，血止不住"])
def test_fallback_never_runs_when_a_red_flag_fires(complaint):
    res = triage.rules(complaint)
    assert res.red_flag
    assert triage.with_fallback(res, on=ALWAYS) is res
    assert triage.triage(complaint).label == triage.EMERGENCY_DEPT


@pytest.mark.parametrize("complaint", ["<script>alert('你好')</script>", "", "👍👍", "x" * 5000])
def test_fallback_leaves_invalid_input_alone(complaint):
    res = triage.rules(complaint)
    assert res.status == "invalid"
    assert triage.with_fallback(res, on=ALWAYS) is res


@pytest.mark.parametrize("message", ["医生你好，在吗", "退费申请提交三天了还没到账", "停车场在哪里", "测试一下"])
def test_non_complaints_stay_unrecognised(message):
    assert triage.triage(message).label == triage.UNKNOWN
    assert triage.triage(message).safety_net == triage.SAFETY_NET


def test_a_fallback_answer_says_it_is_a_guess_and_carries_the_safety_net():
    routed = [r for r in map(triage.triage, fallback.corpus(["a"]).text[:200]) if r.routing]
    assert routed, "the fallback never answered on 200 corpus complaints"
    for res in routed:
        assert res.safety_net == triage.SAFETY_NET
        assert "把握不高" in res.message and res.department == res.label
        assert res.rules_said.split(":")[0] in fallback.ON
        text = triage_show.explain_text(res)
        assert "统计兜底" in text and "推测" in text and res.routing.best in text


def test_thresholds_follow_how_sure_the_rules_were():
    assert fallback.threshold(triage.rules("咳嗽三天了，有黄痰，低烧，嗓子也疼")) == fallback.ON["ok"]
    assert fallback.threshold(triage.rules("想挂个号，不知道挂哪个科")) == fallback.ON["unknown"]
    assert fallback.threshold(triage.rules("胸口疼得厉害，出冷汗，喘不上气")) is None
    assert fallback.ON["ok"] >= fallback.ON["unknown"] >= fallback.ON["low"]


def test_fallback_maps_children_like_the_rules():
    res = triage.rules("孩子六岁，老是揉眼睛，说看黑板模糊")
    got = triage.with_fallback(res, on=ALWAYS)
    assert got.label not in ("内分泌科", "呼吸内科", "消化内科")   # internal medicine for a child goes to 儿科


def test_fallback_is_deterministic():
    texts = ["嗓子眼发干发痒，老想清嗓子", "走路多了脚后跟一阵一阵地疼", "最近总是心里发慌，睡不着"]
    first = [fallback.route(t) for t in texts]
    fresh = fallback.build()
    assert [fallback.route(t, fresh) for t in texts] == first


def test_cross_writer_validation_holds_each_writer_out():
    for w in fallback.writers():
        rows = fallback.training_rows(without_writers=(w,))
        assert not set(rows.case_id) & set(fallback.corpus([w]).case_id)
    cv = fallback.cross_writer_results()   # = cross_writer(); test_datapackage's generate --check recomputes it
    table = fallback.cross_writer_summary(cv)
    print("\n换一位写作者的交叉验证：\n" + table.to_string())
    assert set(cv.writer) == set(fallback.writers()) | {"none"}
    assert len(cv) == len(fallback.corpus())
    dept = table.drop(index="无主诉的消息")
    # the fallback helps on every held-out writer and never costs much on non-complaints
    assert (dept["规则加兜底"] > dept["仅规则"]).all()
    assert table.loc["无主诉的消息", "规则加兜底"] >= table.loc["无主诉的消息", "仅规则"] - 0.05


# --- the statistical second net for emergencies (triage_alarm): it can only add a red flag ---

from ihbook.chapters import triage_alarm as alarm  # noqa: E402


def test_second_net_learns_only_from_development_data():
    docs = alarm.documents()
    ev = triage_eval.load()
    sealed = ev[ev.split.isin(["test", "holdout", "holdout2"])]
    assert not set(docs.case_id) & set(sealed.case_id)
    assert not {triage.normalize(t) for t in docs.text} & {triage.normalize(t) for t in sealed.complaint if t.strip()}
    assert set(docs.label) == {alarm.EMERGENCY, alarm.ORDINARY}


@pytest.mark.parametrize("complaint", ["胸口疼得厉害，出冷汗，喘不上气", "我爸刚才突然嘴歪了，叫他也不太应"])
def test_second_net_never_clears_a_red_flag(complaint):
    res = triage.rules(complaint)
    assert res.red_flag
    assert triage.with_alarm(res, complaint, alarm={k: 1.1 for k in alarm.ALARM}) is res
    assert triage.triage(complaint).red_flag


def test_second_net_catches_emergencies_the_rules_miss_and_says_so():
    rf = alarm.tables.load_table("triage_redflag_dev")
    caught = []
    for c in rf[rf.kind == "emergency"].complaint:
        if not triage.rules(c).red_flag and triage.triage(c).red_flag:
            caught.append(triage.triage(c))
    assert caught, "the second net never raised a flag the rules missed"
    res = caught[0]
    assert res.message == triage.EMERGENCY and res.alarm.raised and res.alarm.prob >= alarm.ALARM["unknown"]
    text = triage_show.explain_text(res)
    assert "统计模型" in text and triage.EMERGENCY in text
    assert "统计模型" in triage_show.explain_html(res)


@pytest.mark.parametrize("complaint,gone,kept", [
    ("咳嗽，没有发烧，也没有胸痛", ["发烧", "胸痛"], ["咳嗽"]), ("头疼但不发烧", ["发烧"], ["头疼"]),
    ("孩子发烧，没有抽", ["抽"], ["孩子发烧"]), ("没有怀孕，恶心想吐", ["怀孕"], ["恶心想吐"]),
    ("备孕中，最近胃胀", ["备孕"], ["胃胀"])])
def test_models_never_read_negated_terms(complaint, gone, kept):
    text = triage.unnegated(triage.rules(complaint))
    assert not any(w in text for w in gone), text
    assert all(w in text for w in kept), text


@pytest.mark.parametrize("complaint", ["没有胸痛", "孩子发烧，没有抽", "没有怀孕，恶心想吐", "怀孕八周，恶心想吐",
                                       "没怀孕，月经推迟了十几天", "宝宝三个月大，拉肚子"])
def test_second_net_leaves_ordinary_short_complaints_alone(complaint):
    assert not triage.triage(complaint).red_flag


def test_second_net_needs_more_where_the_patient_decides_the_department():
    res = triage.rules("怀孕八周，恶心想吐")
    assert res.department == "产科" and alarm.threshold(res) == alarm.ALARM["ok"]
    assert alarm.threshold(triage.rules("胸口疼得厉害，出冷汗，喘不上气")) is None


def test_second_net_cross_writer_validation():
    """Each emergency writer held out with department writers the model never read."""
    for fold in alarm.FOLDS:
        held = alarm.held_out(fold)
        docs = alarm.documents()
        assert set(docs[docs.writer == fold].case_id) <= held
    cv = alarm.cross_writer_results()      # = cross_writer(); test_datapackage's generate --check recomputes it
    table = alarm.cross_writer_summary(cv)
    print("\n急症的第二道网（换一位写作者）：\n" + table.to_string())
    both, rules = table.loc["规则或统计模型"], table.loc["仅规则"]
    assert both["急症召回率"] > rules["急症召回率"]          # it only adds
    assert both["急症召回率"] >= triage_eval.TARGETS["recall"]
    assert both["误报率"] <= triage_eval.TARGETS["false_alarm"]
    assert (cv.either >= cv.rules).all()


def test_run_log_ends_with_what_the_demo_gives_now():
    """Every sealed split's last logged run equals the current demo: change the engine, add a run."""
    log = pd.read_csv(triage_eval.DATA / "triage_eval_runs.csv", dtype={"commit": str})
    assert list(log.run) == sorted(log.run)
    for split, rows in log.groupby("split"):
        last = rows.iloc[-1]
        assert last.engine == "rules+fallback+alarm"
        now = triage_eval.counts(split)
        assert {k: int(last[k]) for k in now} == now, split
    table = triage_eval.runs()
    assert len(table) == len(log) and table["红旗召回率"].str.contains("/").all()


@pytest.mark.parametrize("complaint", ["没有怀孕", "我没有怀孕", "没怀孕"])
def test_a_negated_pregnancy_alone_is_not_an_obstetric_complaint(complaint):
    res = triage.triage(complaint)
    assert res.label != "产科" and res.safety_net == triage.SAFETY_NET
