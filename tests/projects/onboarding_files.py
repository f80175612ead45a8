"""Filled-in onboarding templates built in tests: a county of 3 departments, 10 units and 15 users."""

import io

from projects.exchange.tables import Table, write_tables
from projects.services import onboarding


def xlsx(columns, rows, name: str) -> io.BytesIO:
    upload = io.BytesIO(write_tables([Table(title="表", columns=columns, rows=rows)]))
    upload.name = name
    return upload


def county_rows() -> tuple[list[list[str]], list[list[str]]]:
    # Under the installation's 财政局 (the demo's and the tests' finance bureau), given by name.
    organizations = []
    departments = ["县教育局", "县卫健局", "县农业农村局"]
    for d, name in enumerate(departments, start=1):
        organizations.append([name, f"20{d}000", "主管部门", "财政局"])
    units = []
    for u in range(10):
        d = u % 3 + 1
        units.append([f"{departments[d - 1][1:-1]}下属单位{u + 1}", f"20{d}{u + 1:03d}", "预算单位", f"20{d}000"])
    organizations += units
    users = [["王管理", "wangadmin", "管理员", "财政局", "admin@example.cn", ""]]
    users += [["赵审核", "zhaofin", "财政局审核人", "财政局", "", "201000、县卫健局"]]
    users += [[f"部门审核{d}", f"dept{d}", "主管部门审核人", f"20{d}000", "", ""] for d in (1, 2, 3)]
    users += [
        [f"填报人{u + 1}", f"filler{u + 1}", "单位填报人", units[u][1], f"f{u + 1}@example.cn", ""] for u in range(10)
    ]
    return organizations, users


def county_files():
    organizations, users = county_rows()
    return (
        xlsx(onboarding.ORGANIZATION_COLUMNS, organizations, "单位.xlsx"),
        xlsx(onboarding.USER_COLUMNS, users, "用户.xlsx"),
    )
