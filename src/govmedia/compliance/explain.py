"""What each rule means, in Chinese, for the findings panel."""

from .core.findings import Finding

_BY_SUFFIX = {
    "title.max_bytes": "微信群发图文消息的标题上限为64个字节，"
    "按GB 18030计算：每个汉字2字节，字母、数字1字节。",
    "title.max_chars": "标题字数超过本平台的限制。",
    "body.max_chars": "群发内容文字的字数上限为600个字符或者600个汉字，请精简正文或分条发布。",
    "text.max_chars": "微博字数一般限制为140字（半角字符计半字，每个网址计10字）。内容较多时，"
    "可把全文转为长微博图片，用贴图的方式发布。",
    "voice.format": "政务微信语音支持mp3、wma、wav、amr格式，格式按文件内容判断，改扩展名无效。",
    "voice.max_bytes": "语音文件超过大小限制，请压缩或截短。",
    "voice.max_seconds": "政务微信语音最长60秒，请截短或改用视频。",
    "video.format": "视频格式按文件内容判断，改扩展名无效，请转码为平台支持的格式。",
    "video.max_bytes": "视频文件超过大小限制，请压缩或截短。",
    "image.format": "图片格式按文件内容判断，改扩展名无效，请另存为平台支持的格式。",
    "image.max_bytes": "图片文件超过大小限制，请压缩。",
    "gif.frame_size": "上传到微博的GIF动画每一帧都不能超过450×450像素，请缩小动画尺寸。",
    "mass_send.quota": "订阅号1天只能群发1条消息，服务号1月内可发送4条群发消息。",
}
_BY_RULE = {
    "content.lexicon": "该词语在本县敏感词库中。请按建议用语修改，或删除；"
    "确属正常用语的，请向安全管理员说明。",
    "content.classified_marking": "涉密信息和内部资料不得公开发布（5.1：不得违反法律法规和保密规定）。"
    "请删除密级标识，"
    "并确认内容已经保密审查。",
    "content.pii.id_card": "公开信息中不得出现公民身份号码，请删除或作脱敏处理（如只保留前6位和后4位）。",
    "content.pii.bank_card": "公开信息中不得出现银行卡号，请删除或作脱敏处理。",
    "content.pii.mobile": "如为单位公开的服务电话可以保留；个人手机号码请删除或征得本人同意。",
    "content.unverified": "禁止发布未经确认的信息（5.2 b）。请核实信息来源后改为确定的表述，或删除。",
    "content.personal_opinion": "管理人员不得擅自利用平台发布个人观点、意见及情绪倾向性言论（5.2 d）。",
    "post.category.required": "每条信息须归入5.3条a）至j）类之一。",
    "post.repost.attribution": "转载信息应标注信息来源、原作者、原标题和转载时间，保证来源可追溯（5.4）。",
    "post.emergency.five_elements": "突发事件信息应具备事件、地点、事件类型、事态简况、"
    "目前采取的措施“五要素”（5.1）。",
    "post.portal.url": "已在县人民政府门户网站发布的信息可直接发布，但须记录门户网站上的原文网址（5.4）。",
    "media.corrupt": "文件已损坏、被截断或结构异常，平台无法接收。请重新导出文件。",
    "media.unreadable": "无法读取该文件，请重新上传。",
    "media.extension_mismatch": "文件的扩展名与实际格式不符，平台可能拒收，请按实际格式命名或转换格式。",
}


def explain(finding: Finding) -> str:
    if finding.rule in _BY_RULE:
        return _BY_RULE[finding.rule]
    suffix = finding.rule.split(".", 1)[1] if "." in finding.rule else ""
    return _BY_SUFFIX.get(suffix, "")
