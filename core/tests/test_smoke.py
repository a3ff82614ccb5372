def test_tree_fixture(tree, people):
    from orgs.models import User

    assert User.objects.visible_to(people.clerk_a).count() == 2  # clerk_a and member_a
