/** Word lists for deterministic, human-looking names and texts. */
import type { Rng } from "./random.js";

const VERBS = [
  "Improve",
  "Add",
  "Fix",
  "Refactor",
  "Migrate",
  "Redesign",
  "Document",
  "Remove",
  "Speed up",
  "Audit",
  "Ship",
  "Support",
];
const ADJECTIVES = [
  "onboarding",
  "billing",
  "search",
  "mobile",
  "admin",
  "export",
  "import",
  "reporting",
  "sync",
  "audit",
  "checkout",
  "login",
];
const NOUNS = [
  "flow",
  "dashboard",
  "API",
  "pipeline",
  "settings page",
  "notifications",
  "permissions",
  "webhooks",
  "invoices",
  "filters",
  "cache",
  "editor",
];
const FIRST = [
  "Ada",
  "Grace",
  "Linus",
  "Margaret",
  "Alan",
  "Barbara",
  "Ken",
  "Frances",
  "Dennis",
  "Radia",
  "Edsger",
  "Hedy",
  "Tim",
  "Katherine",
];
const LAST = [
  "Lovelace",
  "Hopper",
  "Torvalds",
  "Hamilton",
  "Turing",
  "Liskov",
  "Thompson",
  "Allen",
  "Ritchie",
  "Perlman",
  "Dijkstra",
  "Lamarr",
  "Berners-Lee",
  "Johnson",
];
const TEAMS = [
  "Platform",
  "Growth",
  "Payments",
  "Mobile",
  "Data",
  "Infra",
  "Design",
  "Support",
  "Security",
  "Core",
  "Integrations",
  "Search",
];
const THEMES = [
  "Reliability",
  "Revenue",
  "Activation",
  "Retention",
  "Compliance",
  "Performance",
  "Quality",
  "Scale",
  "Insights",
  "Self-serve",
];
const SENTENCES = [
  "Looks good to me.",
  "Can we split this into smaller pieces?",
  "Blocked on the API change.",
  "Updated the acceptance criteria.",
  "This needs a design review first.",
  "Deployed to staging, please verify.",
  "Customer reported this again today.",
  "Moving this to the next iteration.",
  "Added screenshots of the new layout.",
  "Pairing on this tomorrow.",
];

export const COLORS = ["#e75569", "#f49f3c", "#ecd63f", "#85c872", "#3ca6d4", "#8a63c6", "#a0a0a0", "#2f3c48"];
export const COLOR_KEYS = [
  "blue",
  "purple",
  "orange",
  "yellow-green",
  "green",
  "red",
  "gray",
  "sky-blue",
  "pink",
  "turquoise",
];

export function title(rng: Rng): string {
  return `${rng.pick(VERBS)} ${rng.pick(ADJECTIVES)} ${rng.pick(NOUNS)}`;
}

export function sentence(rng: Rng): string {
  return rng.pick(SENTENCES);
}

export function paragraph(rng: Rng, count = 2): string {
  return Array.from({ length: count }, () => sentence(rng)).join(" ");
}

export function personName(rng: Rng): string {
  return `${rng.pick(FIRST)} ${rng.pick(LAST)}`;
}

export function teamName(rng: Rng, index: number): string {
  return index < TEAMS.length ? (TEAMS[index] as string) : `${rng.pick(TEAMS)} ${index + 1}`;
}

export function themeName(rng: Rng, index: number): string {
  return index < THEMES.length ? (THEMES[index] as string) : `${rng.pick(THEMES)} ${index + 1}`;
}

export function slug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "");
}
