"""The UK Statistics Authority ethics self-assessment: six principles, numbered items.

Each item is rated Low, Average or High risk with a written justification.
"""

from dataclasses import dataclass

RISK_LEVELS = [("low", "Low"), ("average", "Average"), ("high", "High")]


@dataclass(frozen=True)
class EthicsItem:
    number: int
    principle: int
    question: str


PRINCIPLES = {
    1: "Public good",
    2: "Confidentiality and data security",
    3: "Methods and quality",
    4: "Legal compliance",
    5: "Public views and engagement",
    6: "Transparency",
}

ITEMS = [
    EthicsItem(1, 1, "The research has a clear benefit for the public and for policy or services."),
    EthicsItem(2, 1, "The research could cause harm or distress to individuals or groups."),
    EthicsItem(3, 2, "The data will be held and analysed securely, only in the Secure Research Service."),
    EthicsItem(4, 2, "The research links data sources beyond those already linked in LEO."),
    EthicsItem(5, 2, "The risk that a person could be directly identified from the data or outputs."),
    EthicsItem(6, 2, "The risk that a person could be indirectly identified, for example in small groups."),
    EthicsItem(7, 3, "The methods are appropriate to answer the research questions."),
    EthicsItem(8, 3, "The limitations and quality of the data are understood and will be reported."),
    EthicsItem(9, 4, "The research has a lawful basis under data protection law and the Digital Economy Act."),
    EthicsItem(10, 4, "The research uses special category or otherwise sensitive personal data."),
    EthicsItem(11, 5, "The public would find this use of their data acceptable."),
    EthicsItem(12, 5, "Core stakeholders have been, or will be, engaged."),
    EthicsItem(13, 6, "The methods and results will be published openly."),
    EthicsItem(14, 6, "The source public authorities will be acknowledged in every output."),
]


def self_assessment_complete(answers: dict) -> bool:
    """Every item rated with a justification. `answers` maps str(item number) to {risk, justification}."""
    valid_risks = {value for value, _ in RISK_LEVELS}
    for item in ITEMS:
        answer = answers.get(str(item.number)) or {}
        if answer.get("risk") not in valid_risks or not str(answer.get("justification", "")).strip():
            return False
    return True


def answers_for(self_assessment: dict | None) -> list[dict]:
    """Each item with its principle and the applicant's rating and justification, in order, for display."""
    answers = self_assessment or {}
    return [
        {
            "item": item,
            "principle": PRINCIPLES[item.principle],
            "risk": (answers.get(str(item.number)) or {}).get("risk", ""),
            "justification": (answers.get(str(item.number)) or {}).get("justification", ""),
        }
        for item in ITEMS
    ]
