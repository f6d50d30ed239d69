#!/usr/bin/python3
"""jianyi-desk's first run, driven through its accessibility tree (dogtail):
a desk without a certificate shows the enrollment window; a wrong address
is refused in Chinese; the administrator's code enrolls it and the header
shows the account; the next start signs in from the settings alone; once
the certificate is revoked the header says the server refuses it; and
another desk given the same code is refused in Chinese. Run by
test_desk_enroll.c under xvfb-run and dbus-run-session; it reads DESK_EXE,
DESK_CONFIG_HOME (a settings folder that names the server and CA but no
certificate), DESK_EMPTY_HOME (one with no settings: the server and CA
come from JIANYI_SERVER and JIANYI_CA), DESK_SERVER, DESK_CODE, DESK_WHO
(the header's start for the account), DESK_REVOKE_CMD and DESK_SHOTS."""
import os
import re
import sys

import desk_atspi as d
from desk_atspi import fail, named, starts, step, wait_for

EXE = os.environ["DESK_EXE"]
SERVER = os.environ["DESK_SERVER"]
CODE = os.environ["DESK_CODE"]
WHO = os.environ["DESK_WHO"]
REVOKE_CMD = os.environ["DESK_REVOKE_CMD"]

FIELD_SERVER = "服务器地址"
FIELD_CODE = "一次性登记码"
ENROLL = "注册"
REFUSED = "注册未成功"


def env_with(config_home, **more):
    env = dict(os.environ)
    env["XDG_CONFIG_HOME"] = config_home
    for name in ("JIANYI_SERVER", "JIANYI_CA", "JIANYI_CERT", "JIANYI_KEY", "JIANYI_CONFIG"):
        env.pop(name, None)
    env.update(more)
    return env


def entry(app, label):
    return wait_for(app, "the field " + label, lambda n: (n.name or "") == label
                    and n.roleName in ("text", "entry"))


def plain_chinese(text):
    """A sentence a person reads: no English words, no snake_case names."""
    if re.search(r"[A-Za-z]{3,}|_", text):
        fail("not plain Chinese: %r" % text)


def enroll_and_expect_refusal(app, what):
    d.press(wait_for(app, "the enroll button", starts("push button", ENROLL)))
    msg = wait_for(app, "the refusal (%s)" % what, named("label", REFUSED, exact=False))
    plain_chinese(msg.name)
    step("refused (%s): %s" % (what, msg.name))
    return msg.name


def first_run(config_home):
    app = d.start(EXE, env_with(config_home))
    step("the desk without a certificate is on the bus")
    # the code is ours to give (the server and CA come from the settings)
    server = entry(app, FIELD_SERVER)
    d.set_text(entry(app, FIELD_CODE), CODE)
    # a wrong address first: refused in Chinese, the code not spent
    d.set_text(server, "127.0.0.1:1")
    enroll_and_expect_refusal(app, "a wrong address")
    d.screenshot("desk-enroll-refused")
    d.check_on_screen("the enrollment window", [server], header_bar=False)
    d.set_text(server, SERVER)
    d.press(wait_for(app, "the enroll button", starts("push button", ENROLL)))
    wait_for(app, "the signed-in account", named("label", WHO, exact=False))
    wait_for(app, "the connected status", named("label", "已连接", exact=False))
    step("enrolled: the header shows %s" % WHO)
    d.screenshot("desk-enrolled")
    d.check_on_screen("the desk after enrolling",
                      [wait_for(app, "the page switcher's 待办", named("page tab", "待办"))])
    d.stop()


def next_start_signs_in(config_home):
    app = d.start(EXE, env_with(config_home))
    wait_for(app, "the signed-in account on the next start", named("label", WHO, exact=False))
    wait_for(app, "the connected status", named("label", "已连接", exact=False))
    if d.find(app, lambda n: (n.name or "") == FIELD_CODE) is not None:
        fail("the enrollment window came back although the settings name a certificate")
    step("the next start signed in from the settings alone")
    # the administrator revokes the certificate: the desk is refused
    if os.system(REVOKE_CMD) != 0:
        fail("revoking the certificate failed: " + REVOKE_CMD)
    status = wait_for(app, "the refusal in the header", named("label", "吊销", exact=False))
    plain_chinese(status.name)
    step("after the revocation the header says: %s" % status.name)
    d.screenshot("desk-revoked")
    d.stop()


def code_used_again(empty_home):
    app = d.start(EXE, env_with(empty_home, JIANYI_SERVER=SERVER,
                                JIANYI_CA=os.environ["DESK_CA"]))
    d.set_text(entry(app, FIELD_CODE), CODE)
    text = enroll_and_expect_refusal(app, "the code used again")
    if "已经用过" not in text:
        fail("the refusal does not say the code was used: %r" % text)
    d.stop()


def main():
    first_run(os.environ["DESK_CONFIG_HOME"])
    next_start_signs_in(os.environ["DESK_CONFIG_HOME"])
    code_used_again(os.environ["DESK_EMPTY_HOME"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
