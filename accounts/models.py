import contextlib

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _
from wagtail.models import APIToken

from accounts.phone import mask_phone, normalise_phone, validate_phone
from core.snippets import NamedSnippet

MIN_BIRTH_YEAR = 1900


class Audience(NamedSnippet):
    """A group of residents (适用人群): who a course is for, and who a person says they are.

    老年人, 农民, 企业职工, 进城务工人员… Kept with people, so courses point down to it (docs/decisions/0004).
    """

    class Meta(NamedSnippet.Meta):
        verbose_name = _("适用人群")
        verbose_name_plural = _("适用人群")


class UserManager(BaseUserManager):
    use_in_migrations = True

    def get_by_natural_key(self, phone):
        # Login forms pass what the person typed; look it up in canonical form.
        with contextlib.suppress(ValidationError):
            phone = normalise_phone(phone)
        return self.get(phone=phone)

    def _create_user(self, phone, password, **extra_fields):
        user = self.model(phone=normalise_phone(phone), **extra_fields)
        user.set_password(password)
        user.full_clean(exclude=["password"])
        user.save(using=self._db)
        return user

    def create_user(self, phone, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(phone, password, **extra_fields)

    def create_superuser(self, phone, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        extra_fields.setdefault("display_name", "管理员")
        return self._create_user(phone, password, **extra_fields)


class User(AbstractBaseUser, PermissionsMixin):
    """A resident or a member of staff. People log in with their mobile number."""

    phone = models.CharField(
        _("手机号码"),
        max_length=11,
        unique=True,
        validators=[validate_phone],
        help_text=_("中国大陆11位手机号，用于登录和接收短信通知。"),
        error_messages={"unique": _("该手机号码已注册。")},
    )
    display_name = models.CharField(_("姓名"), max_length=50)
    email = models.EmailField(_("电子邮箱"), blank=True)
    birth_year = models.PositiveSmallIntegerField(
        _("出生年份"), null=True, blank=True, help_text=_("选填；用于老年大学等有年龄要求的课程。")
    )
    home_town = models.ForeignKey(
        "places.Town",
        verbose_name=_("所在乡镇/街道"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    audiences = models.ManyToManyField(
        Audience,
        verbose_name=_("我属于"),
        blank=True,
        related_name="+",
        help_text=_("选填；“仅限农民”等只面向部分人群的课程按此报名。"),
    )
    is_staff = models.BooleanField(_("可进入管理后台"), default=False)
    is_active = models.BooleanField(_("有效"), default=True)
    date_joined = models.DateTimeField(_("注册时间"), default=timezone.now)
    # Part of every session's auth hash: raising it ends all of the person's sessions (退出所有设备).
    session_generation = models.PositiveIntegerField(default=0, editable=False)

    objects = UserManager()

    USERNAME_FIELD = "phone"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["display_name"]

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")
        constraints = [
            models.CheckConstraint(
                condition=Q(phone__regex=r"^1[3-9][0-9]{9}$"),
                name="user_phone_is_mainland_mobile",
                violation_error_message=_("手机号码必须是以1开头的11位中国大陆手机号。"),
            ),
            models.CheckConstraint(
                condition=Q(birth_year__isnull=True) | Q(birth_year__gte=MIN_BIRTH_YEAR),
                name="user_birth_year_plausible",
                violation_error_message=_("出生年份不合理。"),
            ),
        ]

    def __str__(self):
        return f"{self.display_name}（{self.masked_phone}）"

    def save(self, *args, **kwargs):
        # Django sets _password in set_password() and clears it after save; a hash upgrade at login clears it
        # before saving, so this is exactly "the password was changed" — by the SMS reset, the admin, the
        # account page, or `manage.py changepassword`. Tokens made with the old password stop working with it
        # (its sessions do too: their hash is made from the password).
        password_changed = self._password is not None and not self._state.adding
        super().save(*args, **kwargs)
        if password_changed:
            APIToken.objects.filter(user=self, revoked_at__isnull=True).update(revoked_at=timezone.now())

    def get_session_auth_hash(self):
        return self._session_hash(settings.SECRET_KEY)

    def get_session_auth_fallback_hash(self):
        for secret in settings.SECRET_KEY_FALLBACKS:
            yield self._session_hash(secret)

    def _session_hash(self, secret: str) -> str:
        # Django's hash of the password, with the session generation added once it has been raised (so sessions
        # made before the field existed stay valid until then).
        value = self.password if not self.session_generation else f"{self.password}:{self.session_generation}"
        return salted_hmac(
            "django.contrib.auth.models.AbstractBaseUser.get_session_auth_hash",
            value,
            secret=secret,
            algorithm="sha256",
        ).hexdigest()

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)

    def clean(self):
        super().clean()
        if self.phone:
            self.phone = normalise_phone(self.phone)
        if self.birth_year is not None and self.birth_year > timezone.localdate().year:
            raise ValidationError({"birth_year": _("出生年份不能晚于今年。")})

    # Wagtail and Django admin call these to show a person's name.
    def get_full_name(self):
        return self.display_name

    def get_short_name(self):
        return self.display_name

    def age_in(self, year: int) -> int | None:
        return None if self.birth_year is None else year - self.birth_year


class CodePurpose(models.TextChoices):
    REGISTER = "register", _("注册")
    LOGIN = "login", _("登录")
    RESET = "reset", _("找回密码")


class PhoneCode(models.Model):
    """An SMS verification code: stored hashed, expires, used at most once, a few wrong guesses allowed."""

    phone = models.CharField(max_length=11, validators=[validate_phone])
    purpose = models.CharField(max_length=10, choices=CodePurpose.choices)
    code_hash = models.CharField(max_length=128)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    failed_attempts = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("短信验证码")
        verbose_name_plural = _("短信验证码")
        indexes = [models.Index(fields=["phone", "purpose", "-created_at"], name="phonecode_lookup_idx")]

    def __str__(self):
        return f"{mask_phone(self.phone)} · {self.get_purpose_display()}"
