"""Organizations (finance bureau, departments, units) and the people who sign in."""

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from projects.querysets import OrganizationQuerySet

from .choices import OrganizationKind, Role


class Organization(models.Model):
    """The finance bureau, supervising departments (主管部门) and budget units (预算单位), as a tree."""

    Kind = OrganizationKind

    name = models.CharField(_("名称"), max_length=200, unique=True)
    # 单位代码 as the budget system issues it: optional, unique where given.
    code = models.CharField(_("单位代码"), max_length=21, blank=True)
    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )

    objects = OrganizationQuerySet.as_manager()

    class Meta:
        verbose_name = _("单位")
        verbose_name_plural = _("单位")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["code"],
                condition=~models.Q(code=""),
                name="unique_organization_code",
                violation_error_message=_("该单位代码已被其他单位使用。"),
            )
        ]

    def __str__(self):
        return self.name

    def clean(self):
        if self.kind == self.Kind.UNIT and (self.parent is None or self.parent.kind != self.Kind.DEPARTMENT):
            raise ValidationError({"parent": _("预算单位的上级必须是主管部门。")})
        if self.kind == self.Kind.DEPARTMENT and self.parent is not None and self.parent.kind != self.Kind.FINANCE:
            raise ValidationError({"parent": _("主管部门的上级只能是财政局。")})
        if self.kind == self.Kind.FINANCE and self.parent is not None:
            raise ValidationError({"parent": _("财政局没有上级。")})

    @property
    def department(self) -> "Organization | None":
        """The supervising department a form of this organization goes through."""
        if self.kind == self.Kind.DEPARTMENT:
            return self
        if self.kind == self.Kind.UNIT:
            return self.parent
        return None


class User(AbstractUser):
    Role = Role

    role = models.CharField(_("角色"), max_length=20, choices=Role.choices, default=Role.FILLER)
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("所属单位"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
    )
    # The finance bureau splits departments among its divisions (对口处室).
    assigned_departments = models.ManyToManyField(
        Organization,
        verbose_name=_("对口主管部门"),
        blank=True,
        related_name="finance_reviewers",
        limit_choices_to={"kind": Organization.Kind.DEPARTMENT},
    )

    # Set with a generated or admin-reset password: the next sign-in goes to the password change first.
    must_change_password = models.BooleanField(_("须修改密码"), default=False)

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    @property
    def is_admin(self) -> bool:
        return self.is_superuser or self.role == self.Role.ADMIN

    def display_name(self) -> str:
        return self.get_full_name() or self.username
