// The replay page of an event (docs/replay.md).

import "../ui/desk.css";
import "../ui/feed.css";
import "../ui/triage.css";
import "../replay/replay.css";
import { startShell } from "../lib/shell";
import { ReplayPage } from "../replay/page";

const root = document.querySelector<HTMLElement>("#replay");
if (!root) throw new Error("The replay page has no #replay element.");
const role = root.dataset.role ?? "";
const page = new ReplayPage(Number(root.dataset.eventId), role === "producer" || role === "admin");
startShell();
void page.start();
