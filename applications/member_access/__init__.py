"""Each member's access to a granted project's data: opening, suspending, reinstating and ending it
(`services`), reading it for the access list and any API (`selectors`), and the nightly check (`checks`)."""
