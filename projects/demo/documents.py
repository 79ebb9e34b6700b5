"""The demo archive's PDF files: a real one-page document per kind of file, rendered with the
portal's PDF helper (WeasyPrint, Noto CJK), once per process and reused for every project.

Rendering one page embeds a subset of the CJK font and takes about half a second; the demo
archives ~27 files, so one document per kind keeps seed_demo quick (five renders) while every file
opens as a real, readable page.
"""

from core.pdf import render_pdf
from projects.models import Attachment

TEMPLATE = "projects/pdf/demo_document.html"
ISSUER = "淄博市住房和城乡建设局"

DOCUMENTS = {
    Attachment.Kind.PLAN: {
        "title": "老旧小区改造初步设计方案及投资概算",
        "number": "淄博市城镇老旧小区改造项目",
        "paragraphs": (
            "本方案依据《淄博市城镇老旧小区改造技术导则》，在入户调查、居民意愿征询的基础上编制，"
            "涵盖供水、排水、供电、道路、照明、消防等基础类改造内容。",
            "基础类内容应改尽改，完善类内容按居民意愿和资金情况确定，投资概算见附表。",
        ),
        "issuer": "淄博市城市规划设计研究院",
    },
    Attachment.Kind.APPROVAL: {
        "title": "关于老旧小区改造项目的联合审查批复",
        "number": "淄建〔2026〕18号",
        "paragraphs": (
            "经发展改革、财政、自然资源、住房城乡建设等部门联合审查，原则同意该项目的改造方案和投资概算。",
            "请项目实施单位严格按照批复内容组织实施，落实工程质量安全责任，按期完成改造任务。",
        ),
        "issuer": ISSUER,
    },
    Attachment.Kind.BIDDING: {
        "title": "中标通知书",
        "number": "招标编号 ZBJS-2026",
        "paragraphs": (
            "淄博建工集团有限公司：经评标委员会评审并公示，确定贵单位为本项目施工中标人。",
            "请于接到本通知书之日起三十日内与招标人签订施工合同。",
        ),
        "issuer": "淄博市公共资源交易中心",
    },
    Attachment.Kind.DRAWINGS: {
        "title": "竣工图目录",
        "number": "淄博市城镇老旧小区改造项目",
        "paragraphs": (
            "一、总平面图；二、室外给水排水管网竣工图；三、室外电气及照明竣工图；四、道路及停车设施竣工图；"
            "五、消防设施竣工图。",
            "竣工图由施工单位编制，经监理单位审核签章后归档。",
        ),
        "issuer": "淄博建工集团有限公司",
    },
    Attachment.Kind.ACCEPTANCE: {
        "title": "竣工验收记录",
        "number": "淄博市城镇老旧小区改造项目",
        "paragraphs": (
            "建设、设计、施工、监理单位及居民代表共同参加竣工验收，对照批复的改造内容逐项核查。",
            "验收结论：工程质量合格，资料齐全，同意通过竣工验收。",
        ),
        "issuer": ISSUER,
    },
}

_rendered = {}


def demo_document(kind):
    """The bytes of the demo's one-page PDF for ``kind`` (an Attachment.Kind), rendered once."""
    if kind not in _rendered:
        document = DOCUMENTS.get(kind, DOCUMENTS[Attachment.Kind.PLAN])
        _rendered[kind] = render_pdf(TEMPLATE, {**document, "date": "2026年3月"})
    return _rendered[kind]
