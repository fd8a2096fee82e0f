from django.apps import AppConfig


class DirectoryConfig(AppConfig):
    name = "oa.directory"
    label = "directory"
    verbose_name = "Org directory (组织机构)"
