"""How a patient reaches their clinic: the site's numbers and address (sites.Site).

Every page, leaflet and reminder that tells a patient to contact the clinic
takes the words from here, so a site that has not entered a number says
"contact the clinic" plainly instead of printing a blank (issue 12 item 7).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from halluxpath.sites.models import Site


@dataclass(frozen=True)
class ClinicContact:
    name: str
    phone_in_hours: str
    phone_out_of_hours: str
    address: str

    @property
    def has_phone(self) -> bool:
        return bool(self.phone_in_hours or self.phone_out_of_hours)

    def phone_words(self) -> str:
        """ "phone the clinic on …", or "contact the clinic" when the site has no number."""
        if self.phone_in_hours and self.phone_out_of_hours:
            return (
                f"phone the clinic on {self.phone_in_hours} "
                f"(out of hours: {self.phone_out_of_hours})"
            )
        if self.has_phone:
            return f"phone the clinic on {self.phone_in_hours or self.phone_out_of_hours}"
        return "contact the clinic"


def tel(number: str) -> str:
    """A number as a ``tel:`` address: digits and a leading +, nothing else."""
    return "tel:" + re.sub(r"[^0-9+]", "", number)


def contact_for(site: Site) -> ClinicContact:
    return ClinicContact(
        name=site.name,
        phone_in_hours=site.phone_in_hours.strip(),
        phone_out_of_hours=site.phone_out_of_hours.strip(),
        address=site.address.strip(),
    )
