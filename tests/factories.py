"""factory_boy factories. Everything tenant-owned takes `organization` as a sub-factory."""

from datetime import date

import factory

from mentorhub.accounts.models import Employee, Membership, Organization, Role, User

TEST_PASSWORD = "correct-horse-battery-staple"


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Organization {n}")
    slug = factory.Sequence(lambda n: f"org-{n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    name = factory.Faker("name")
    password = factory.PostGenerationMethodCall("set_password", TEST_PASSWORD)

    @factory.post_generation
    def verified_email(obj, create, extracted, **kwargs):
        if not create:
            return
        from allauth.account.models import EmailAddress

        obj.save()
        EmailAddress.objects.get_or_create(user=obj, email=obj.email, defaults={"verified": True, "primary": True})


class EmployeeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Employee

    organization = factory.SubFactory(OrganizationFactory)
    employee_id = factory.Sequence(lambda n: f"E{n:05d}")
    email = factory.Sequence(lambda n: f"employee{n}@example.com")
    name = factory.Faker("name")
    title = "Analyst"
    department = "Engineering"
    job_level = 3
    location = "London"
    time_zone = "Europe/London"
    hired_on = date(2022, 1, 10)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    organization = factory.SubFactory(OrganizationFactory)
    user = factory.SubFactory(UserFactory)
    role = Role.MEMBER
    employee = factory.SubFactory(
        EmployeeFactory,
        organization=factory.SelfAttribute("..organization"),
        email=factory.SelfAttribute("..user.email"),
    )
