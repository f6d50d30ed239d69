#!/usr/bin/python3
"""The deputies' own forms and the liaison committee's correction, driven
through the accessibility tree (dogtail) as the people would:

1. the deputy 王明 opens 起草新建议 on the case list page: the empty title
   and a co-signer who is no deputy are refused by the form; the joint
   suggestion with 李华 as co-signer is kept a draft (the co-signers confirm
   first) and is in the list; a second one, without co-signers, is
   submitted at once (已提交 in the list); 王明 opens it and withdraws it
   from the menu 更多操作 (the empty reason refused first): 已撤回;
2. 李华 opens the joint draft from the to-do list and confirms as
   co-signer (更多操作 → 确认附议): the timeline says so;
3. 王明 submits the joint suggestion (更多操作 → 提交): 已提交;
4. the liaison committee opens the registered case and corrects its title
   through the menu 更多操作, opened with F10 (the empty reason refused
   first): the new title is on screen, and the timeline says the title was
   corrected.

Run by test_desk_deputy.c under xvfb-run and dbus-run-session; it reads
DESK_EXE, DESK_JOINT, DESK_SINGLE, DESK_REGISTERED, DESK_CORRECTED,
DESK_WANG_ENV, DESK_LI_ENV, DESK_LC_ENV (environment words as
harness_cli_env writes them), DESK_SHOTS and DESK_SCALE."""
import os
import sys
import time

import desk_atspi as d
from desk_atspi import fail, field, message, named, press, starts, step, wait_for
from dogtail import rawinput

EXE = os.environ["DESK_EXE"]
JOINT = os.environ["DESK_JOINT"]
SINGLE = os.environ["DESK_SINGLE"]
REGISTERED = os.environ["DESK_REGISTERED"]
CORRECTED = os.environ["DESK_CORRECTED"]


def desk_as(who):
    return d.desk_as(EXE, who)


def tab(name):
    press(wait_for(d.app, "the page switcher's " + name, named("page tab", name)))


def list_row(cases, title):
    """A row of the case list: a list item holding a panel named by the title."""
    return wait_for(cases, "the list's row of " + title,
                    lambda n: n.roleName == "panel" and n.name == title
                    and n.parent.roleName == "list item")


def open_from_list(pages, title):
    """The case list's row, double-clicked."""
    tab("建议列表")
    x, y, w, h = d.extents(list_row(pages["建议列表"], title))
    rawinput.doubleClick(x + w // 2, y + h // 2)
    case = pages["建议详情"]
    wait_for(case, "the case " + title, named("label", title))
    return case, wait_for(case, "the timeline", named("list", "办理过程"))


def open_from_todo(pages, title):
    tab("待办")
    press(wait_for(pages["待办"], "the to-do row of " + title,
                   lambda n: n.roleName == "push button" and (n.name or "").startswith("打开")
                   and title in (n.name or "")))
    case = pages["建议详情"]
    wait_for(case, "the case " + title, named("label", title))
    return case, wait_for(case, "the timeline", named("list", "办理过程"))


def popover_of(node):
    while node is not None and node.name != "GtkPopover":
        node = node.parent
    return node


def more_item(case, name, key=False):
    """An item of the menu 更多操作, the menu opened with its button, or
    with F10 (key). A popover's items join the accessibility tree when it
    first opens, and GTK 4.8 marks no node "showing": the popover's
    "visible" state tells that the menu is open."""
    menu = wait_for(case, "the menu button 更多操作", lambda n: (n.name or "").startswith("更多操作")
                    and n.roleName in ("toggle button", "push button"))
    if key:
        rawinput.pressKey("F10")
    else:
        press(menu)
    # an item is named by the deed alone (a form's send button says more)
    item = wait_for(case, "the menu's item " + name, named("push button", name))
    popover = popover_of(item)
    deadline = time.monotonic() + 10
    while popover is None or not popover.visible:
        if time.monotonic() > deadline:
            fail("the menu 更多操作 did not open (%s)" % ("F10" if key else "its button"))
        time.sleep(0.2)
    return item


def draft(pages):
    """起草新建议: refusals by the form, a joint draft, one submitted at once."""
    tab("建议列表")
    cases = pages["建议列表"]
    press(wait_for(cases, "the button 起草新建议", starts("push button", "起草新建议")))
    send = wait_for(cases, "the draft's send button", starts("push button", "保存并提交建议"))
    press(send)
    message(cases, "the empty title refused", "请填写标题")
    step("the empty title is refused by the form")
    d.set_text(field(cases, "标题"), JOINT)
    d.set_text(field(cases, "类别"), "交通")
    d.set_text(field(cases, "附议代表"), "钱多多")
    d.set_text(field(cases, "建议内容"), "城关镇东片区居民出行不便，建议增设一条公交线路连接县城。")
    press(send)
    message(cases, "a co-signer who is no deputy refused", "没有名为")
    step("a co-signer who is no deputy is refused by the form")
    d.set_text(field(cases, "附议代表"), "李华")
    d.check_on_screen("the draft's form", [send])
    press(send)
    message(cases, "the joint draft kept for its co-signers", "请附议代表确认")
    list_row(cases, JOINT)
    step("the joint suggestion is a draft, waiting for its co-signer")
    d.set_text(field(cases, "标题"), SINGLE)
    d.set_text(field(cases, "类别"), "城市管理")
    d.set_text(field(cases, "建议内容"), "共享单车乱停乱放影响通行，建议划定停放区域。")
    d.screenshot("desk-draft")
    press(send)
    message(cases, "the second one submitted", "建议已提交")
    list_row(cases, SINGLE)
    wait_for(cases, "the state 已提交 in the list", named("label", "已提交"))
    step("the second suggestion is submitted at once")


def withdraw(pages):
    case, timeline = open_from_list(pages, SINGLE)
    press(more_item(case, "撤回"))
    send = wait_for(case, "the withdrawal's send button", starts("push button", "确认撤回"))
    press(send)
    message(case, "the empty reason refused", "请填写撤回理由")
    d.set_text(field(case, "撤回理由"), "该问题已由镇政府解决。")
    press(send)
    wait_for(case, "the state 已撤回", named("label", "已撤回"))
    step("the deputy withdrew the suggestion from the menu 更多操作")


def cosign(pages):
    case, timeline = open_from_todo(pages, JOINT)
    press(more_item(case, "确认附议"))
    press(wait_for(case, "the co-signing's send button", starts("push button", "确认附议本建议")))
    wait_for(timeline, "the co-signing's sentence", named("label", "确认附议", exact=False))
    step("the co-signer confirmed")


def submit(pages):
    case, timeline = open_from_list(pages, JOINT)
    press(more_item(case, "提交"))
    press(wait_for(case, "the submission's send button", starts("push button", "确认提交建议")))
    wait_for(case, "the state 已提交", named("label", "已提交"))
    step("the deputy submitted the joint suggestion")


def correct(pages):
    case, timeline = open_from_list(pages, REGISTERED)
    press(more_item(case, "更正立案正文", key=True))
    send = wait_for(case, "the correction's send button", starts("push button", "确认更正"))
    title = field(case, "标题")
    d.set_text(title, CORRECTED)
    press(send)
    message(case, "the empty reason refused", "请填写更正理由")
    step("the empty reason is refused by the form")
    d.set_text(field(case, "更正理由"), "标题漏写“城区”二字。")
    d.check_on_screen("the correction's form", [send])
    press(send)
    wait_for(case, "the corrected title", named("label", CORRECTED))
    wait_for(timeline, "the correction's sentence", named("label", "更正了已立案的建议（标题）",
                                                          exact=False))
    step("the liaison committee corrected the title through the menu (F10)")


def main():
    pages = desk_as("DESK_WANG_ENV")
    draft(pages)
    withdraw(pages)
    d.stop()

    pages = desk_as("DESK_LI_ENV")
    cosign(pages)
    d.stop()

    pages = desk_as("DESK_WANG_ENV")
    submit(pages)
    d.stop()

    pages = desk_as("DESK_LC_ENV")
    correct(pages)
    d.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
