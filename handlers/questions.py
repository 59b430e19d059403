"""Questions in free text (private chats; mentions and replies in groups), buttons, inline mode, /start."""
from __future__ import annotations

import re
from uuid import uuid4

from telegram import InlineQueryResultArticle, InputTextMessageContent, Message, Update
from telegram.constants import ChatType
from telegram.error import BadRequest

from handlers.common import NOT_TEXT, RECORD_PREFIX, reply, split_message
from handlers.context import Context, is_admin
from knowledge.answer import AnswerKind
from knowledge.compose import help_text

COMMANDS_HELP = (
    "\n\nLệnh:\n/duan &lt;từ khóa&gt; — dự án và kinh phí\n/ngansach [năm] — ngân sách theo năm (kèm biểu đồ)\n"
    "/nhiemvu &lt;cơ quan&gt; — nhiệm vụ của cơ quan\n/muctieu [chủ đề] — mục tiêu của Kế hoạch\n/lotrinh — lộ trình\n"
    "/moc — các mốc sắp tới\n/dangky [30,7,1] — nhận nhắc trước mốc\n/huydangky — thôi nhận nhắc\n"
    "Hoặc gõ câu hỏi bằng tiếng Việt, có dấu hay không dấu đều được."
)
ADMIN_HELP = (
    "\n\nQuản trị:\n/sua &lt;mã&gt; &lt;trường&gt; &lt;giá trị&gt; — sửa một trường (ten, tmdt, ke_hoach, chu_dau_tu, "
    "muc_tieu, ghi_chu…)\n/them — thêm dự án (/huy để dừng)\n/xoa &lt;mã&gt; — xóa (có xác nhận)\n"
    "/nhatky [n] — nhật ký thay đổi\n/hoantac — hoàn tác thay đổi gần nhất của bạn\n"
    "/xuat — tải dữ liệu (.xlsx, .json)\n"
    "/nhap — nhập tệp (xem trước rồi xác nhận)\n/themmoc dd/mm/yyyy [HH:MM] [hằng năm|hằng tháng] tiêu đề — thêm mốc\n"
    "/xoamoc &lt;mã&gt; — xóa mốc"
)
INLINE_RESULTS = 5
STALE_BUTTON = "Nút này không còn dùng được. Hãy hỏi lại hoặc gõ lệnh mới."


async def start(update: Update, context: Context) -> None:
    if update.effective_message is None:
        return
    text = help_text(context.state.answerer.kb) + COMMANDS_HELP + (ADMIN_HELP if is_admin(update, context) else "")
    await update.effective_message.reply_text(text)


def _addressed_text(update: Update, context: Context) -> str | None:
    """The question in a message meant for the bot: any private text; in groups a mention or a reply to it."""
    message = update.effective_message
    if message is None or not message.text:
        return None
    if message.chat.type == ChatType.PRIVATE:
        return message.text
    bot = context.bot
    replied = message.reply_to_message
    if replied and replied.from_user and replied.from_user.id == bot.id:
        return message.text
    mention = f"@{bot.username}"
    if bot.username and mention.lower() in message.text.lower():
        return re.sub(re.escape(mention), " ", message.text, flags=re.IGNORECASE)
    return None


async def question(update: Update, context: Context) -> None:
    text = _addressed_text(update, context)
    if text is None or update.effective_message is None:
        return
    await reply(update.effective_message, context.state.answerer.answer(text))


async def not_text(update: Update, context: Context) -> None:
    """Stickers, photos, voice in a private chat: say what the bot reads."""
    if update.effective_message:
        await update.effective_message.reply_text(NOT_TEXT)


async def unknown_command(update: Update, context: Context) -> None:
    message = update.effective_message
    if message is None or not message.text:
        return
    command = message.text.split()[0]
    addressee = command.partition("@")[2]
    if addressee and addressee.lower() != (context.bot.username or "").lower():
        return  # '/start@otherbot': another bot's command, wherever it is written
    if message.chat.type != ChatType.PRIVATE and not addressee:
        return  # another bot's command in a group
    await message.reply_text(f"Không có lệnh {command[:40]}. Gõ /help để xem các lệnh.")


async def record_button(update: Update, context: Context) -> None:
    """A pressed candidate button: answer with that record in place of the list."""
    query = update.callback_query
    if query is None:
        return
    answer = context.state.answerer.answer_record((query.data or "")[len(RECORD_PREFIX):])
    if answer.kind == AnswerKind.NOT_FOUND or not isinstance(query.message, Message):
        await query.answer(STALE_BUTTON, show_alert=True)  # a record deleted since, or data nobody sent
        return
    await query.answer()
    chunks = split_message(answer.html)
    try:
        await query.message.edit_text(chunks[0])
    except BadRequest as exc:
        if "not modified" not in exc.message:
            raise
        return  # pressed again: the message already shows the record
    for chunk in chunks[1:]:
        await query.message.reply_text(chunk)


async def stale_button(update: Update, context: Context) -> None:
    """A button no handler knows (an old message's, or data nobody sent): say so, so it stops spinning."""
    if update.callback_query is not None:
        await update.callback_query.answer(STALE_BUTTON, show_alert=True)


async def inline_query(update: Update, context: Context) -> None:
    """`@bot chữ ký số` in any chat: the answer, or each fitting record, as inline results."""
    query = update.inline_query
    if query is None:
        return
    engine = context.state.answerer
    text = query.query.strip()
    answers = []
    if text:
        answer = engine.answer(text)
        if answer.kind == AnswerKind.CANDIDATES:
            answers = [(label, engine.answer_record(rid)) for rid, label in answer.candidates[:INLINE_RESULTS]]
        elif answer.found:
            answers = [(answer.candidates[0][1] if answer.candidates else text, answer)]
    results = [InlineQueryResultArticle(id=uuid4().hex, title=title[:100],
                                        description=a.text[:120],
                                        input_message_content=InputTextMessageContent(
                                            split_message(a.html)[0]))
               for title, a in answers]
    await query.answer(results, cache_time=60)

