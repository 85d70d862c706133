from rest_framework import serializers

from catalog.models import Movie
from reviews.models import Review
from reviews.selectors import review_author


class ReviewSerializer(serializers.ModelSerializer):
    author = serializers.SerializerMethodField()
    movie = serializers.PrimaryKeyRelatedField(queryset=Movie.objects.filter(is_active=True))

    class Meta:
        model = Review
        fields = (
            "id",
            "movie",
            "author",
            "rating",
            "title",
            "text",
            "is_spoiler",
            "is_verified_viewer",
            "status",
            "rejection_reason",
            "helpful_count",
            "not_helpful_count",
            "moderated_at",
            "created_at",
            "updated_at",
        )
        # The counters, the verified mark and the timestamps are not editable on the
        # model, so already read-only here; status changes only through moderation.
        read_only_fields = ("status", "rejection_reason")
        extra_kwargs = {"rating": {"min_value": 1, "max_value": 10}, "text": {"max_length": 10_000}}

    def get_author(self, obj) -> str:
        return review_author(obj)


class ReviewUpdateSerializer(serializers.Serializer):
    rating = serializers.IntegerField(min_value=1, max_value=10, required=False)
    title = serializers.CharField(max_length=200, required=False)
    text = serializers.CharField(max_length=10_000, required=False)
    is_spoiler = serializers.BooleanField(required=False)


class VoteSerializer(serializers.Serializer):
    helpful = serializers.BooleanField()


class ModerateSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=["approve", "reject"])
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True)
