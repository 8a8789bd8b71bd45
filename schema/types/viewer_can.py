"""``Proposal.viewerCan``: what the viewer may do on a proposal now, the domain's one answer
(``domain.abilities``), so a form never copies the permission rules."""

from __future__ import annotations

import strawberry

from actas.api.domain.abilities import ProposalAbilities


@strawberry.type(
    description="What you may do on this proposal now, with this token: each field is true "
    "exactly when the mutation it names would be allowed. What depends on the input (a reason, "
    "whom a participant change is about, the version you revise) is still checked when you send "
    "it."
)
class ProposalViewerCan:
    argue: bool = strawberry.field(description="Add an argument (`addArgument`).")
    reply: bool = strawberry.field(description="Reply to an argument (`addArgument` with parent).")
    take_position: bool = strawberry.field(
        description="Take or change your position (`takePosition`): open, before the deadline, "
        "not as an informed participant."
    )
    block: bool = strawberry.field(
        description="Take the position BLOCK: under consent only a voice whose block counts."
    )
    edit: bool = strawberry.field(description="Change the metadata (`updateProposal`).")
    revise: bool = strawberry.field(description="Publish a new version (`reviseProposal`).")
    change_participants: bool = strawberry.field(
        description="Name, change or remove participants (`setParticipant`); once open, not "
        "yourself, nor anyone who has spoken, and deciders only as an admin."
    )
    link: bool = strawberry.field(description="Link it to another proposal (`linkProposals`).")
    open: bool = strawberry.field(description="Open the draft for debate (`openProposal`).")
    withdraw: bool = strawberry.field(description="Withdraw it (`withdrawProposal`).")
    abandon: bool = strawberry.field(description="Abandon it (`abandonProposal`).")
    accept: bool = strawberry.field(
        description="Decide it accepted (`decideProposal`): as whoever decides under its rule, "
        "and only when the rule allows that outcome now."
    )
    reject: bool = strawberry.field(description="Decide it rejected (`decideProposal`), likewise.")
    add_follow_up: bool = strawberry.field(
        description="Add a follow-up action to the accepted decision (`addFollowUp`)."
    )
    record_outcome: bool = strawberry.field(
        description="Record what the accepted decision achieved (`recordOutcome`), once."
    )

    @classmethod
    def of(cls, abilities: ProposalAbilities) -> ProposalViewerCan:
        return cls(**vars(abilities))
