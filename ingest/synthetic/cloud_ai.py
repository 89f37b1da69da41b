"""External cloud spend and generative AI use of the labs (METHODOLOGY.md §3.7).

A minority of labs pay a public cloud (storage for data sets, compute for simulation or training bursts)
through one or two accounts that they keep from year to year, billed in CHF, EUR or USD; their yearly spend
drifts around the lab's level. Most labs report some generative AI use: a few (provider, usage) lines, each
with a band of requests per person and day and, about half the time, the FTE that use it (blank = the unit's
member FTE, defaulted in dbt). Rows are in back-office template format and valid by construction.
"""

from dataclasses import dataclass

import numpy as np
import polars as pl

from ingest.contracts import AI_BANDS, EXTERNAL_AI, EXTERNAL_CLOUDS

CLOUD_LAB_SHARE = 0.25
ACCOUNTS_PER_CLOUD_LAB = (1, 2)
# Relative frequencies. Virtualisation is accepted (reported as compute) but EPFL's template does not list it.
CLOUD_PROVIDERS = {"AWS": 4, "Azure": 3, "GCP": 2, "OVH": 1, "Huawei": 0.2, "Other": 0.5}
CLOUD_SERVICES = {"storage": 0.5, "compute": 0.45, "virtualisation": 0.05}
CLOUD_CURRENCIES = {"CHF": 0.55, "EUR": 0.3, "USD": 0.15}
# Yearly spend of one account (log-normal, currency units): a few hundred to tens of thousands.
SPEND_MEDIAN = 2500.0
LAB_SPEND_SIGMA = 1.0
YEARLY_SPEND_SIGMA = 0.3

AI_LAB_SHARE = 0.85
AI_PROVIDERS = {
    "ChatGPT (OpenAI)": 5,
    "Copilot (Microsoft)": 2.5,
    "Claude (Anthropic)": 2,
    "Gemini (Google)": 1.5,
    "Copilot (GitHub)": 1.5,
    "Mistral AI": 1,
    "Other": 0.5,
}
AI_USAGE_TYPES = {"text": 0.7, "code": 0.2, "image": 0.1}
# Shares of the bands 1_5, 5_20, 20_100, gt_100.
AI_BAND_SHARES = dict(zip(AI_BANDS, (0.35, 0.4, 0.2, 0.05), strict=True))
USES_PER_AI_LAB_MAX = 4
AI_FTE_GIVEN_SHARE = 0.5


@dataclass(frozen=True)
class CloudAccount:
    service_type: str
    provider: str
    currency: str
    # Median yearly spend of the account, in its currency.
    spend_median: float


@dataclass(frozen=True)
class CloudAiLabs:
    """Per lab index: its cloud accounts and its (provider, usage type) AI uses, stable over the years."""

    cloud_accounts: dict[int, list[CloudAccount]]
    ai_uses: dict[int, list[tuple[str, str]]]


def _pick(rng: np.random.Generator, weights: dict[str, float]) -> str:
    names = list(weights)
    shares = np.array(list(weights.values()))
    return names[rng.choice(len(names), p=shares / shares.sum())]


def cloud_ai_labs(rng: np.random.Generator, lab_count: int) -> CloudAiLabs:
    cloud_accounts: dict[int, list[CloudAccount]] = {}
    for lab in np.flatnonzero(rng.random(lab_count) < CLOUD_LAB_SHARE):
        accounts: dict[tuple[str, str], CloudAccount] = {}
        for _ in range(rng.choice(ACCOUNTS_PER_CLOUD_LAB)):
            service, provider = _pick(rng, CLOUD_SERVICES), _pick(rng, CLOUD_PROVIDERS)
            median = float(rng.lognormal(np.log(SPEND_MEDIAN), LAB_SPEND_SIGMA))
            accounts[(service, provider)] = CloudAccount(
                service, provider, _pick(rng, CLOUD_CURRENCIES), median
            )
        cloud_accounts[int(lab)] = list(accounts.values())
    ai_uses: dict[int, list[tuple[str, str]]] = {}
    for lab in np.flatnonzero(rng.random(lab_count) < AI_LAB_SHARE):
        uses = {
            (_pick(rng, AI_PROVIDERS), _pick(rng, AI_USAGE_TYPES))
            for _ in range(rng.integers(1, USES_PER_AI_LAB_MAX + 1))
        }
        ai_uses[int(lab)] = sorted(uses)
    return CloudAiLabs(cloud_accounts, ai_uses)


def external_clouds_frame(rng: np.random.Generator, lab_ids: np.ndarray, labs: CloudAiLabs) -> pl.DataFrame:
    rows = [
        {
            "unit_institutional_id": str(lab_ids[lab]),
            "service_type": account.service_type,
            "provider": account.provider,
            "spent_amount": round(float(rng.lognormal(np.log(account.spend_median), YEARLY_SPEND_SIGMA)), 2),
            "currency": account.currency,
        }
        for lab, accounts in labs.cloud_accounts.items()
        for account in accounts
    ]
    frame = pl.DataFrame(
        rows,
        schema={
            "unit_institutional_id": pl.String,
            "service_type": pl.String,
            "provider": pl.String,
            "spent_amount": pl.Float64,
            "currency": pl.String,
        },
    ).with_columns(note=pl.lit(None, dtype=pl.String), kg_co2eq=pl.lit(None, dtype=pl.Float64))
    return frame.select(EXTERNAL_CLOUDS.column_names).sort(
        ["unit_institutional_id", "service_type", "provider"]
    )


def external_ai_frame(rng: np.random.Generator, lab_ids: np.ndarray, labs: CloudAiLabs) -> pl.DataFrame:
    bands = list(AI_BAND_SHARES)
    band_shares = np.array(list(AI_BAND_SHARES.values()))
    rows = []
    for lab, uses in labs.ai_uses.items():
        for provider, usage_type in uses:
            fte_given = rng.random() < AI_FTE_GIVEN_SHARE
            fte = round(float(rng.uniform(0.5, 4.0)), 1)
            rows.append(
                {
                    "unit_institutional_id": str(lab_ids[lab]),
                    "provider": provider,
                    "usage_type": usage_type,
                    "requests_per_user_per_day": bands[rng.choice(len(bands), p=band_shares)],
                    "fte_count": fte if fte_given else None,
                }
            )
    frame = pl.DataFrame(
        rows,
        schema={
            "unit_institutional_id": pl.String,
            "provider": pl.String,
            "usage_type": pl.String,
            "requests_per_user_per_day": pl.String,
            "fte_count": pl.Float64,
        },
    ).with_columns(note=pl.lit(None, dtype=pl.String), kg_co2eq=pl.lit(None, dtype=pl.Float64))
    return frame.select(EXTERNAL_AI.column_names).sort(["unit_institutional_id", "provider", "usage_type"])
