import { expect, test } from "@playwright/test";
import { signIn } from "./fixtures";

// A release manager imports an Indonesian rollout-and-verification plan whose production stages
// are sub-headings, each with a bold "Target" line, saves it, starts it, and sees the stages on
// the timeline at the shares of users the document gave.

const document = `# Rencana Rollout dan Verifikasi — Kartu Virtual v2

**Pemilik:** Tim Kartu
**Versi:** 2.0.0

## Tahapan Produksi

### Tahap 1 – Karyawan
**Target:** 1% pengguna (akun karyawan dan keluarga)
Durasi: 2 hari

### Tahap 2 – Pilot Jakarta
**Target:** 10% pengguna
Durasi: 3 hari

### Tahap 3 – Jawa
**Target:** 40% pengguna
Durasi: 1 minggu

### Tahap 4 – Nasional
**Target:** semua pengguna

## KPI

| KPI | Target | Peringatan | Kritis |
|-----|--------|------------|--------|
| Tingkat error | < 0,5% | 1% | 2% |
| Waktu respons p95 | < 600 ms | 900 ms | 1.500 ms |

## Kriteria Rollback

1. **Performa**
   - Waktu respons p95 lebih dari 2 detik selama 10 menit
2. **Error**
   - Tingkat error di atas 2% selama 5 menit

## Daftar periksa sebelum rilis

- [ ] Flag \`kartu_virtual_v2\` = 0% di produksi
- [ ] Dashboard KPI aktif

## Eskalasi

1. Engineer on-call — 0–15 menit
2. Tech Lead Kartu — 15–30 menit
3. Engineering Manager — setelah 30 menit
`;

test("an Indonesian plan with Target lines imports, saves and starts with its stages on the timeline", async ({
  page,
}) => {
  test.setTimeout(120_000);
  await signIn(page, "releaseManager");
  await page.goto("/plans/import");
  await page.getByTestId("import-markdown").fill(document);
  await page.getByRole("button", { name: "Preview" }).click();

  const counts = page.getByTestId("import-counts");
  await expect(counts).toContainText("Phases4");
  await expect(counts).toContainText("KPIs2");
  await expect(counts).toContainText("Rollback triggers2");
  await expect(counts).toContainText("Escalation levels3");
  const traffic = await page
    .getByTestId("import-traffic")
    .evaluateAll((els) => els.map((e) => Number((e as HTMLInputElement).value)));
  expect(traffic).toEqual([1, 10, 40, 100]);
  await expect(page.getByTestId("import-traffic-problem")).toHaveCount(0);

  const name = `Kartu Virtual ${Date.now().toString(36)}`;
  await page.getByTestId("import-name").fill(name);
  await page.getByLabel("Project", { exact: true }).selectOption({ label: "Checkout" });
  await page.getByRole("button", { name: "Save plan" }).click();

  await expect(page.getByRole("heading", { level: 1 })).toContainText(name);
  await page.getByRole("button", { name: "Start rollout" }).click();
  await expect(page.getByTestId("plan-traffic")).toHaveText("1%");
  const timeline = page.getByTestId("phase-timeline");
  await expect(timeline.getByRole("img")).toHaveCount(4);
  for (const [stage, share] of [
    ["Karyawan", "1%"],
    ["Pilot Jakarta", "10%"],
    ["Jawa", "40%"],
    ["Nasional", "100%"],
  ] as const) {
    await expect(timeline.locator("li", { hasText: stage }).first()).toContainText(share);
  }
  await expect(timeline.getByRole("img", { name: /^Karyawan, Active/ })).toBeVisible();
});
