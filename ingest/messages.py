"""Why a file was failed or skipped, as a code and its parameters, in both languages.

The ingest stores the code and the parameters (`ingest_log.error_code`, `error_params`) beside
the Chinese text (`ingest_log.error`, for the command line and outside tools), so the
dashboard can show each reason in the page's language. Every reason a person reads is here.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

MESSAGES: dict[str, dict[str, str]] = {
    # -- the file as a whole
    # 0 bytes, or nothing but blank space (parse.blank): checked before the hash, so a second
    # empty file is empty too, not "the same content as" the first.
    "file.empty": {"zh": "空文件：文件中没有任何文字", "en": "Empty file: it holds no text"},
    "file.encrypted": {"zh": "文件已加密（设置了打开密码），请在 Word/WPS 中取消密码后再导入",
                       "en": "The file is encrypted (it has an opening password): remove the password in "
                             "Word or WPS, then import it again"},
    "file.unknown_type": {"zh": "不支持的文件类型（支持 .docx .doc .wps .rtf .txt .pdf .jpg .png .xlsx .xls .et）",
                          "en": "A file type that is not supported (.docx .doc .wps .rtf .txt .pdf .jpg .png "
                                ".xlsx .xls .et are)"},
    "file.too_large": {"zh": "文件过大（{mb} MB，上限 {limit_mb} MB）",
                       "en": "The file is too large ({mb} MB; the limit is {limit_mb} MB)"},
    "file.unreadable": {"zh": "无法读取文件：{why}", "en": "The file cannot be read: {why}"},
    "file.archive_failed": {"zh": "无法保存原件：{why}", "en": "The original could not be kept: {why}"},
    "file.archive_missing": {"zh": "归档原件缺失（{path}），无法重新解析",
                             "en": "The archived original is missing ({path}): it cannot be parsed again"},
    # -- .docx
    "docx.not_zip": {"zh": "文件不是有效的 .docx（无法作为 zip 打开）",
                     "en": "Not a valid .docx (it cannot be opened as a zip)"},
    "docx.too_many_parts": {"zh": "文件包含 {parts} 个部件，超过上限 {limit}",
                            "en": "The file holds {parts} parts, more than the limit of {limit}"},
    "docx.zip_bomb": {"zh": "文件解压后约 {mb} MB，超过上限 {limit_mb} MB（疑似压缩炸弹）",
                      "en": "The file would expand to about {mb} MB, more than the limit of {limit_mb} MB "
                            "(a zip bomb?)"},
    "docx.no_document": {"zh": "文件不是有效的 .docx（缺少 Word 文档部件）",
                         "en": "Not a valid .docx (the Word document part is missing)"},
    "docx.not_word": {"zh": "文件不是 Word 文档：{why}", "en": "Not a Word document: {why}"},
    "docx.xml_entities": {"zh": "文件的 XML 含可疑的实体定义（疑似恶意构造），已拒绝读取",
                          "en": "The file's XML defines suspicious entities (crafted to attack?): refused"},
    "docx.xml_broken": {"zh": "文件已损坏，XML 无法解析（{why}）",
                        "en": "The file is damaged: its XML cannot be parsed ({why})"},
    "docx.deflate": {"zh": "文件已损坏，无法读取（压缩数据损坏）",
                     "en": "The file is damaged and cannot be read (its compressed data is corrupt)"},
    "docx.truncated": {"zh": "文件已损坏，无法读取（文件不完整，可能传输中断）",
                       "en": "The file is damaged and cannot be read (it is incomplete: a transfer cut short?)"},
    "docx.directory": {"zh": "文件已损坏，无法读取（压缩包内容与其目录不符）",
                       "en": "The file is damaged and cannot be read (the zip's contents do not match its "
                             "directory)"},
    "docx.damaged": {"zh": "文件已损坏，无法读取（{why}）", "en": "The file is damaged and cannot be read ({why})"},
    # -- .doc, .wps, .rtf (LibreOffice)
    "convert.unavailable": {"zh": "未安装 LibreOffice，无法读取 .doc/.wps/.rtf（请安装 libreoffice-writer-nogui，"
                                  "或另存为 .docx 后再导入）",
                            "en": "LibreOffice is not installed, so .doc/.wps/.rtf cannot be read (install "
                                  "libreoffice-writer-nogui, or save the file as .docx)"},
    "convert.unreadable": {"zh": "LibreOffice 无法打开该文件：不是 Word 文档，或已损坏",
                           "en": "LibreOffice cannot open the file: it is not a Word document, or it is damaged"},
    "convert.failed": {"zh": "LibreOffice 无法打开该文件（文件可能已损坏）：{why}",
                       "en": "LibreOffice cannot open the file (it may be damaged): {why}"},
    "convert.no_output": {"zh": "LibreOffice 无法打开该文件（文件可能已损坏），未生成任何内容",
                          "en": "LibreOffice cannot open the file (it may be damaged) and produced nothing"},
    "convert.timeout": {"zh": "LibreOffice 转换超时（超过 {seconds} 秒），已停止",
                        "en": "LibreOffice took longer than {seconds} s to convert the file and was stopped"},
    # -- PDF, scans, images
    "pdf.corrupt": {"zh": "PDF 文件已损坏，无法打开（{why}）", "en": "The PDF is damaged and cannot be opened ({why})"},
    "pdf.corrupt_page": {"zh": "PDF 文件第 {page} 页已损坏，无法读取（{why}）",
                         "en": "Page {page} of the PDF is damaged and cannot be read ({why})"},
    "pdf.encrypted": {"zh": "PDF 文件已加密（设置了打开密码），请取消密码后再导入",
                      "en": "The PDF is encrypted (it has an opening password): remove the password, then "
                            "import it again"},
    "pdf.too_many_pages": {"zh": "PDF 共 {pages} 页，超过上限 {limit} 页", "en": "The PDF has {pages} pages, more "
                           "than the limit of {limit}"},
    "scan.too_little_text": {"zh": "扫描件无法识别：{boxes} 处文字区域中只认出 {characters} 个字",
                             "en": "The scan cannot be read: only {characters} characters recognised in {boxes} "
                                   "text areas"},
    "scan.low_confidence": {"zh": "扫描件过于模糊，无法可靠识别（平均识别置信度 {mean}）",
                            "en": "The scan is too poor to read reliably (mean recognition confidence {mean})"},
    "scan.blank": {"zh": "扫描件中没有可识别的文字（空白页或图片）",
                   "en": "The scan holds no text that can be recognised (blank pages or a picture)"},
    "image.too_large": {"zh": "图片过大（{pixels} 万像素，上限 {limit} 万像素）",
                        "en": "The image is too large ({pixels:g} megapixels; the limit is {limit:g})"},
    "image.corrupt": {"zh": "图片已损坏，无法打开（{why}）", "en": "The image is damaged and cannot be opened ({why})"},
    # -- Excel
    "xlsx.corrupt": {"zh": "Excel 文件已损坏，无法打开（{why}）",
                     "en": "The Excel file is damaged and cannot be opened ({why})"},
    "xlsx.broken_chains": {"zh": "Excel 文件已损坏：其内部的数据块链接成环或断开，无法读取",
                           "en": "The Excel file is damaged: its compound file's sector chains loop or break"},
    # -- .txt
    "txt.unknown_encoding": {"zh": "无法识别文本文件的编码", "en": "The text file's encoding cannot be told"},
    "txt.binary": {"zh": "文件含二进制内容，不是文本文件", "en": "The file holds binary data: it is not text"},
    "txt.undecodable": {"zh": "文本无法按 {encoding} 解码", "en": "The text cannot be decoded as {encoding}"},
    # -- parsing
    "parse.too_deep": {"zh": "文件结构嵌套过深，无法读取", "en": "The file is nested too deeply to be read"},
    "parse.out_of_memory": {"zh": "文件过大，读取时内存不足", "en": "The file is too large: memory ran out reading it"},
    "parse.bug": {"zh": "解析程序出错（{error}），请联系维护人员",
                  "en": "The parser failed ({error}): please tell the maintainers"},
    "parse.not_a_report": {"zh": "不是项目支出绩效自评报告：未找到预算、支出、自评得分、支出明细或绩效指标",
                           "en": "Not a project performance self-evaluation report: no budget, spending, "
                                 "self-score, budget lines or indicators found"},
    "parse.partial": {"zh": "未能提取：{missing}", "en": "Not found: {missing}"},
    # -- the workers
    "worker.died": {"zh": "解析进程异常退出（文件可能已损坏或结构异常）",
                    "en": "The parsing process died (the file may be damaged or oddly built)"},
    "worker.timeout": {"zh": "解析超时（超过 {seconds} 秒），已停止",
                       "en": "Parsing took longer than {seconds} s and was stopped"},
    "worker.memory": {"zh": "解析占用内存超过上限（{limit_mb} MB），已停止",
                      "en": "Parsing used more than {limit_mb} MB of memory and was stopped"},
    "worker.archive_also_failed": {"zh": "{reason}；原件也未能保存：{why}",
                                   "en": "{reason}; the original could not be kept either: {why}"},
    # -- skipped, written
    "skip.deleted": {"zh": "该文件的报告已被管理员 {who} 于 {when} 删除，已跳过；如需恢复，请在“管理”页恢复",
                     "en": "This file's report was deleted by the admin {who} on {when}: skipped. Restore it on the "
                           "Admin page if it is wanted back."},
    "skip.duplicate_in_run": {"zh": "与本次导入的 {other} 内容相同，只保存一份",
                              "en": "The same content as {other} in this import: kept once"},
    "skip.already_ingested": {"zh": "内容与已导入的文件相同，已跳过",
                              "en": "The same content as a file already imported: skipped"},
    "store.write_failed": {"zh": "写入数据库失败：{why}", "en": "Writing to the store failed: {why}"},
    "store.not_written": {"zh": "写入数据库失败", "en": "It could not be written to the store"},
}
# The names of fields a partial report misses, as the partial message lists them.
MISSING_WORDS = {"budget": {"zh": "预算", "en": "budget"}, "spent": {"zh": "实际支出", "en": "amount spent"},
                 "self_score": {"zh": "自评得分", "en": "self-score"}}
LANGUAGES = ("zh", "en")
# Parameters English states in a unit of its own: pixels are stored in 万 (10,000), as
# Chinese counts them; English counts millions.
IN_ENGLISH = {("image.too_large", "pixels"): lambda value: value / 100,
              ("image.too_large", "limit"): lambda value: value / 100}


@dataclass(frozen=True)
class Message:
    """A reason by its code and parameters: `Message("file.too_large", {"mb": 60, "limit_mb": 50})`."""

    code: str
    params: dict[str, Any] = field(default_factory=dict)

    def text(self, language: str = "zh") -> str:
        """"文件过大（60 MB，上限 50 MB）". A parameter that is itself a message is put in the
        same language; the partial message's list of fields is named in it."""
        params = {}
        for name, value in self.params.items():
            if isinstance(value, Message):
                value = value.text(language)
            elif self.code == "parse.partial" and name == "missing":
                value = ("、" if language == "zh" else ", ").join(MISSING_WORDS[m][language] for m in value)
            elif language == "en" and (self.code, name) in IN_ENGLISH:
                value = IN_ENGLISH[self.code, name](value)
            params[name] = value
        return MESSAGES[self.code][language].format(**params)

    def __str__(self) -> str:
        return self.text("zh")

    def as_json(self) -> str:
        """The parameters as stored in ingest_log.error_params (nested messages as objects)."""
        return json.dumps(_plain(self.params), ensure_ascii=False)

    @classmethod
    def stored(cls, code: str, params_json: str | None) -> "Message":
        return cls(code, _revived(json.loads(params_json) if params_json else {}))


def _plain(params: dict[str, Any]) -> dict[str, Any]:
    return {name: {"code": value.code, "params": _plain(value.params)} if isinstance(value, Message) else value
            for name, value in params.items()}


def _revived(params: dict[str, Any]) -> dict[str, Any]:
    return {name: Message(value["code"], _revived(value.get("params", {})))
            if isinstance(value, dict) and "code" in value else value
            for name, value in params.items()}


def render(code: str | None, params_json: str | None, language: str, fallback: str | None = None) -> str | None:
    """A stored reason (ingest_log.error_code and error_params) in `language`; the stored
    Chinese text where there is no code (rows written before codes were kept)."""
    if not code or code not in MESSAGES:
        return fallback
    return Message.stored(code, params_json).text(language)


def partial(missing: list[str]) -> Message:
    """"未能提取：预算、自评得分" for a partial report."""
    return Message("parse.partial", {"missing": [name for name in missing if name in MISSING_WORDS]})


def megabytes(size: int | float) -> str:
    return f"{size / 1024 / 1024:.0f}"
