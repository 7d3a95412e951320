#!/usr/bin/env python3
"""Writes assets/demo-issues.json: the SM Request Board demo, in GitLab's issue JSON shape.

Run from the repository root: python3 assets/tools/make_demo_data.py
The output is committed; this script only documents how it was made and lets it be re-made.
Dates are anchored at 2026-11-23 (the board's "today" when the data set was written).
"""
import json
import random
from datetime import date, datetime, timedelta, timezone

ANCHOR = date(2026, 11, 23)
HOST = "https://gitlab.example.com"
GROUP = "marketing/strategic-marketing"
# The workflow's milestones live on the parent group, as on gitlab.com.
PARENT_GROUP, PARENT_GROUP_ID = "marketing", 70
PROJECTS = {101: "sm-requests", 102: "competitive-intel"}

USERS = {
    "amoreau": "Alice Moreau", "bkim": "Ben Kim", "cnakamura": "Chiho Nakamura",
    "dokafor": "Dayo Okafor", "evargas": "Elena Vargas", "fschmidt": "Felix Schmidt",
    "gpatel": "Gita Patel", "hlund": "Henrik Lund", "ijones": "Imani Jones",
    "jwu": "Jun Wu", "kmensah": "Kofi Mensah", "lrossi": "Lucia Rossi",
}
USER_IDS = {name: 2000 + i for i, name in enumerate(USERS)}
TEAM_PEOPLE = {
    "pmm": ["amoreau", "lrossi"], "tech-pmm": ["bkim", "fschmidt"],
    "Competitive Intelligence": ["cnakamura"], "Partner Marketing": ["dokafor"],
    "mrci": ["evargas"],
}
REQUESTERS = ["gpatel", "hlund", "ijones", "jwu", "kmensah"]

MILESTONES = {
    "SM_Backlog": dict(id=900, iid=1, start=None, due=None, state="active"),
    "FY27-Q3": dict(id=901, iid=2, start="2026-08-01", due="2026-10-31", state="closed"),
    "FY27-Q4": dict(id=902, iid=3, start="2026-11-01", due="2027-01-31", state="active"),
    "FY28-Q1": dict(id=903, iid=4, start="2027-02-01", due="2027-04-30", state="active"),
}

# (title, team, use case, project id)
REQUESTS = [
    ("Refresh the CI/CD pitch deck for the Q4 field kickoff", "tech-pmm", "CI", 101),
    ("Competitive battlecard: GitHub Actions vs GitLab CI", "Competitive Intelligence", "CI", 102),
    ("Analyst briefing prep: Gartner DevOps Platforms MQ", "mrci", "DevOps", 101),
    ("Customer reference: Nordbank migrates 4,000 developers to GitLab", "pmm", "SCM", 101),
    ("Webinar content: Shifting security left without slowing down", "tech-pmm", "AppSec", 101),
    ("Partner launch kit for the AWS Marketplace private offer", "Partner Marketing", "CD", 101),
    ("Update the Agile planning demo script for 18.x", "tech-pmm", "Agile", 101),
    ("One-pager: GitOps with GitLab and Flux for platform teams", "tech-pmm", "GitOps", 101),
    ("Battlecard refresh: Azure DevOps Boards objection handling", "Competitive Intelligence", "Agile", 102),
    ("Forrester Wave questionnaire: value stream management", "mrci", "DevOps", 101),
    ("Case study draft review: Helio Health (HIPAA pipelines)", "pmm", "AppSec", 101),
    ("Keynote support: DevSecOps narrative for the EMEA summit", "pmm", "AppSec", 101),
    ("Sales enablement video: cloud-native deployments on GKE", "tech-pmm", "CN", 101),
    ("Co-marketing blog with Google Cloud on Autopilot clusters", "Partner Marketing", "CN", 101),
    ("Pricing page copy for the Ultimate tier comparison", "pmm", "DevOps", 101),
    ("Win/loss interviews: Q3 enterprise CI replacements", "Competitive Intelligence", "CI", 102),
    ("Messaging house for software supply chain security", "pmm", "AppSec", 101),
    ("Demo environment: AI-assisted code review walkthrough", "tech-pmm", "SCM", 101),
    ("Analyst inquiry: IDC on platform engineering adoption", "mrci", "DevOps", 101),
    ("Partner webinar with HashiCorp: Terraform in merge requests", "Partner Marketing", "GitOps", 101),
    ("Customer reference call for Banco Austral (SCM consolidation)", "pmm", "SCM", 101),
    ("Competitive teardown: Jenkins modernisation stories", "Competitive Intelligence", "CI", 102),
    ("Solution brief: regulated industries and compliance pipelines", "pmm", "CD", 101),
    ("Booth demo loop for KubeCon North America", "tech-pmm", "CN", 101),
    ("Update the DevOps maturity assessment questions", "pmm", "DevOps", 101),
    ("Battlecard: Atlassian Bitbucket Pipelines pricing changes", "Competitive Intelligence", "CI", 102),
    ("Gartner peer insights campaign: ask 30 customers for reviews", "mrci", "DevOps", 101),
    ("Joint solution brief with Red Hat OpenShift", "Partner Marketing", "CN", 101),
    ("Refresh the value stream analytics demo data", "tech-pmm", "Agile", 101),
    ("Executive briefing deck for the Fortune 100 bank account", "pmm", "SCM", 101),
    ("Competitive FAQ: GitLab Duo vs Copilot Enterprise", "Competitive Intelligence", "SCM", 102),
    ("Press release quotes for the partner of the year awards", "Partner Marketing", "DevOps", 101),
    ("Product tour copy for continuous delivery environments", "tech-pmm", "CD", 101),
    ("Analyst day agenda and speaker prep", "mrci", "DevOps", 101),
    ("Customer story video: public sector agency adopts GitLab Dedicated", "pmm", "AppSec", 101),
    ("Release post feature highlight: merge trains", "tech-pmm", "CD", 101),
    ("Field FAQ on the new Agile portfolio features", "pmm", "Agile", 101),
    ("Win themes for the telco RFP (CI at scale)", "Competitive Intelligence", "CI", 102),
    ("Marketplace listing refresh for Azure", "Partner Marketing", "CD", 101),
    ("Security dashboard screenshots for the datasheet", "tech-pmm", "AppSec", 101),
    ("Survey design: 2027 Global DevSecOps report", "mrci", "AppSec", 101),
    ("Customer advisory board follow-up deck", "pmm", "DevOps", 101),
    ("Competitive pricing calculator update (EUR and JPY)", "Competitive Intelligence", "SCM", 102),
    ("Partner enablement: SI practice playbook for GitOps", "Partner Marketing", "GitOps", 101),
    ("Blog: how we measure DORA metrics at GitLab", "tech-pmm", "DevOps", 101),
    ("Talk track for CI minutes and runner cost questions", "pmm", "CI", 101),
    ("Analyst reprint rights for the Forrester TEI study", "mrci", "DevOps", 101),
    ("Demo: Kubernetes agent with canary deployments", "tech-pmm", "CN", 101),
    ("Battlecard for CircleCI displacement in startups", "Competitive Intelligence", "CI", 102),
    ("Social copy for the DevSecOps report launch", "pmm", "AppSec", 101),
    ("Partner newsletter: Q1 co-sell incentives", "Partner Marketing", "DevOps", 101),
    ("Webinar: planning at scale with epics and roadmaps", "tech-pmm", "Agile", 101),
    ("Request for a Japanese translation of the CI whitepaper 日本語版", "pmm", "CI", 101),
    ("Competitive intel digest template for the weekly sales call", "Competitive Intelligence", "DevOps", 102),
    ("Event sponsorship ask: DevOpsDays Berlin", "pmm", "DevOps", 101),
    ("Customer quote approval for the AppSec landing page 🚀", "pmm", "AppSec", 101),
    ("Migration guide promo: moving from Jenkins in 30 days", "tech-pmm", "CI", 101),
    ("Analyst briefing: Omdia on AI in the SDLC", "mrci", "SCM", 101),
    ("Partner case study with a GSI on mainframe DevOps", "Partner Marketing", "CD", 101),
    ("Reference architecture diagram for the GitOps solution page", "tech-pmm", "GitOps", 101),
    ("Update the 'Why GitLab' slide with new customer logos", "pmm", "DevOps", 101),
    ("Competitive response: rival's 'all-in-one' campaign", "Competitive Intelligence", "DevOps", 102),
    ("Request: standalone slide on remote development workspaces", "tech-pmm", "CN", 101),
    ("Talk track for FedRAMP questions", "pmm", "AppSec", 101),
    ("Webinar follow-up emails for the supply chain series", "pmm", "AppSec", 101),
    ("Need someone to look at this", None, None, 101),
]

# Requests whose titles must not leave the team (a customer, an unannounced partner).
CONFIDENTIAL = {
    "Messaging house for software supply chain security",
    "Battlecard refresh: Azure DevOps Boards objection handling",
}

STATES = (
    ["new_request"] * 8 + ["triage"] * 8 + ["backlog"] * 18 + ["assigned"] * 12
    + ["completed"] * 10 + ["transfered"] * 4 + ["declined"] * 4
)

def ts(d: datetime) -> str:
    return d.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.") + f"{d.microsecond // 1000:03d}Z"

def user(name):
    return {"id": USER_IDS[name], "username": name, "name": USERS[name], "state": "active",
            "avatar_url": None, "web_url": f"{HOST}/{name}"}

def milestone(title, project_id):
    m = MILESTONES[title]
    return {"id": m["id"], "iid": m["iid"], "group_id": PARENT_GROUP_ID, "title": title,
            "description": "Requests accepted but not yet scheduled" if title == "SM_Backlog" else f"Strategic Marketing {title}",
            "state": m["state"], "created_at": "2026-01-05T09:00:00.000Z",
            "updated_at": "2026-01-05T09:00:00.000Z", "due_date": m["due"], "start_date": m["start"],
            "expired": False, "web_url": f"{HOST}/groups/{PARENT_GROUP}/-/milestones/{m['iid']}"}

def description(title, team, ucase, requester, due):
    audience = random.choice(["Enterprise sales (EMEA)", "Public sector AEs", "SDR team",
                              "Channel partners", "Customer success", "Executive team"])
    lines = [
        "## What is being requested?", "", f"{title}.", "",
        "## Why is it needed?", "",
        f"Requested by @{requester} for **{audience}**. " + random.choice([
            "Deals in flight keep asking for this and we have nothing current to hand over.",
            "The current version predates the last two releases and is now misleading.",
            "Leadership wants this ready before the next quarterly business review.",
            "A competitor launched a campaign last week and the field needs an answer.",
        ]), "",
        "## Details", "",
        f"- Use case: `{ucase}`" if ucase else "- Use case: not sure yet",
        f"- Suggested team: {team}" if team else "- Suggested team: ?",
        f"- Needed by: {due}" if due else "- Needed by: no hard date",
        f"- Related: {HOST}/{GROUP}/sm-requests/-/issues/1", "",
        "## Definition of done", "",
        "- [ ] Draft shared in the request thread",
        "- [ ] Reviewed by the requesting team",
        "- [ ] Final version linked from the handbook page", "",
        "```text", "Template: A-SM-Support-Request", "```",
    ]
    return "\n".join(lines)

def main():
    random.seed(27)
    out = []
    iids = {101: 0, 102: 0}
    for n, (title, team, ucase, project) in enumerate(REQUESTS):
        iids[project] += 1
        iid = iids[project] + (40 if project == 101 else 10)
        state = STATES[n] if n < len(STATES) else None
        requester = REQUESTERS[n % len(REQUESTERS)]
        created = datetime(2026, 11, 22, 15, 0, tzinfo=timezone.utc) - timedelta(
            days=(len(REQUESTS) - n) * 3 + random.randint(0, 2), hours=random.randint(0, 8))
        if state in ("new_request", "triage"):
            created = datetime(2026, 11, 22, 9, 0, tzinfo=timezone.utc) - timedelta(days=random.randint(0, 9), hours=random.randint(0, 8))
        updated = min(created + timedelta(days=random.randint(0, 12), hours=random.randint(1, 9)),
                      datetime(2026, 11, 23, 8, 0, tzinfo=timezone.utc))
        labels = ["sm_request"]
        if state:
            labels.append(f"sm_req::{state}")
        has_team = state not in (None, "new_request") or n % 3 == 0
        if team and has_team:
            labels.append(team)
        grooming = state in ("backlog", "assigned", "completed", "declined")
        if ucase and (grooming or n % 2 == 0):
            labels.append(f"ucase::{ucase}")
        if grooming:
            # Some backlog requests still need grooming: leave fields out on purpose.
            skip = random.random() < 0.35 if state == "backlog" else False
            labels.append(f"p::{random.choice(['1', '2', '2', '3', '3', '?']) if not skip else '?'}")
            if not (skip and n % 2):
                labels.append(f"dod::{random.choice(['Y', 'Y', 'N'])}")
            if not skip:
                labels.append(f"eteam::{random.choice(['N', 'N', 'N', 'Y'])}")
            labels.append(f"gtm::{random.choice(['awareness', 'consideration', 'decision'])}")
        if state == "triage" and n % 2 == 0:
            labels.append("p::" + random.choice(["1", "2", "?"]))
        if n % 7 == 0:
            labels.append(random.choice(["devops::verify", "devops::plan", "devops::secure", "devops::deploy"]))
        if title.startswith("Webinar") or title.startswith("Partner webinar"):
            labels.append("webinar")
        assignees = []
        mil = None
        if state == "backlog":
            mil = "SM_Backlog"
        if state in ("assigned", "completed"):
            people = TEAM_PEOPLE.get(team, ["amoreau"])
            assignees = [random.choice(people)]
            mil = "FY27-Q4" if state == "assigned" or n % 2 else "FY27-Q3"
        due = None
        if state in ("assigned", "backlog", "triage") and random.random() < 0.55:
            due = (ANCHOR + timedelta(days=random.randint(-12, 40))).isoformat()
        closed = state in ("completed", "transfered", "declined")
        closed_at = ts(updated) if closed else None
        refs = {"short": f"#{iid}", "relative": f"#{iid}", "full": f"{GROUP}/{PROJECTS[project]}#{iid}"}
        out.append({
            "id": 70000 + project * 1000 + iid,
            "iid": iid,
            "project_id": project,
            "title": title,
            "description": description(title, team, ucase, requester, due),
            "state": "closed" if closed else "opened",
            "created_at": ts(created),
            "updated_at": ts(updated),
            "closed_at": closed_at,
            "closed_by": user("amoreau") if closed else None,
            "labels": sorted(labels),
            "milestone": milestone(mil, project) if mil else None,
            "assignees": [user(a) for a in assignees],
            "author": user(requester),
            "type": "ISSUE",
            "assignee": user(assignees[0]) if assignees else None,
            "user_notes_count": random.randint(0, 14),
            "merge_requests_count": 0,
            "upvotes": random.randint(0, 4),
            "downvotes": 0,
            "due_date": due,
            "confidential": title in CONFIDENTIAL,
            "discussion_locked": None,
            "issue_type": "issue",
            "web_url": f"{HOST}/{GROUP}/{PROJECTS[project]}/-/issues/{iid}",
            "time_stats": {"time_estimate": 0, "total_time_spent": 0,
                           "human_time_estimate": None, "human_total_time_spent": None},
            "task_completion_status": {"count": 3, "completed_count": 3 if closed else random.randint(0, 2)},
            "has_tasks": True,
            "task_status": "3 of 3 checklist items completed",
            "_links": {"self": f"{HOST}/api/v4/projects/{project}/issues/{iid}",
                       "notes": f"{HOST}/api/v4/projects/{project}/issues/{iid}/notes",
                       "award_emoji": f"{HOST}/api/v4/projects/{project}/issues/{iid}/award_emoji",
                       "project": f"{HOST}/api/v4/projects/{project}"},
            "references": refs,
            "severity": "UNKNOWN",
            "moved_to_id": None,
            "service_desk_reply_to": None,
        })
    # Hand-placed anomalies the board must surface.
    conflict = next(i for i in out if "sm_req::backlog" in i["labels"] and "p::1" not in i["labels"])
    conflict["labels"] = sorted([l for l in conflict["labels"] if not l.startswith("p::")] + ["p::1", "p::2"])
    with open("assets/demo-issues.json", "w", encoding="utf-8") as f:
        json.dump(out, f, indent=1, ensure_ascii=False)
        f.write("\n")
    print(f"wrote {len(out)} issues")

if __name__ == "__main__":
    main()
