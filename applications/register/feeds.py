"""The Atom feed of newly accredited projects on the public register."""

from datetime import datetime, time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed

from . import selectors

FEED_ITEMS = 50


class NewlyAccredited(Feed):
    feed_type = Atom1Feed
    content_type = "application/atom+xml; charset=utf-8"
    title = "LEO Access: newly accredited projects"
    subtitle = "Projects accredited to use the Longitudinal Education Outcomes (LEO) data, most recent first."

    def link(self):
        return reverse("register:index")

    def feed_url(self):
        return reverse("register:feed")

    def author_name(self):
        return settings.ACCREDITATION_SERVICE_NAME

    def items(self):
        return selectors.register_entries(stop=FEED_ITEMS)

    def item_title(self, item):
        return f"{item['reference']}: {item['title']}"

    def item_description(self, item):
        return item["lay_summary"]

    def item_link(self, item):
        return f"{reverse('register:index')}?{urlencode({'q': item['reference']})}"

    def item_guid(self, item):
        return f"tag:leo-access,2026:register/{item['reference']}"

    item_guid_is_permalink = False

    def item_pubdate(self, item):
        return timezone.make_aware(datetime.combine(item["accredited_on"], time()))

    def item_updateddate(self, item):
        return self.item_pubdate(item)

    def item_categories(self, item):
        return item["datasets"]
