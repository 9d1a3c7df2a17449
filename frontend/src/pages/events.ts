// The event list (and the not-found page): only the shared header behaviour.

import { startShell } from "../lib/shell";

startShell();
