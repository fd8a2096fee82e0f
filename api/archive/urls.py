from django.urls import path

from api.archive import views

urlpatterns = [
    path("archive/catalogue/", views.CatalogueView.as_view(), name="archive-catalogue"),
    path("archive/catalogue/facets/", views.FacetsView.as_view(), name="archive-facets"),
    path("archive/catalogue/directory/pdf/", views.DirectoryPdfView.as_view(), name="archive-directory-pdf"),
    path(
        "archive/catalogue/directory/xlsx/", views.DirectoryXlsxView.as_view(), name="archive-directory-xlsx"
    ),
    path("archive/catalogue/box-labels/", views.BoxLabelsView.as_view(), name="archive-box-labels"),
    path("archive/catalogue/<int:pk>/", views.CatalogueItemView.as_view(), name="archive-item"),
    path("archive/loans/", views.LoansView.as_view(), name="archive-loans"),
    path("archive/loans/all/", views.LoanRecordsView.as_view(), name="archive-loans-all"),
    path("archive/loans/<int:pk>/", views.LoanDetailView.as_view(), name="archive-loan"),
    path("archive/loans/<int:pk>/end/", views.LoanEndView.as_view(), name="archive-loan-end"),
    path(
        "archive/loans/<int:pk>/items/<int:document_pk>/pdf/",
        views.LoanItemPdfView.as_view(),
        name="archive-loan-item-pdf",
    ),
    path(
        "archive/loans/<int:pk>/items/<int:document_pk>/files/<int:file_pk>/",
        views.LoanItemFileView.as_view(),
        name="archive-loan-item-file",
    ),
    path("archive/access-records/", views.AccessRecordsView.as_view(), name="archive-access-records"),
    path("archive/appraisal/due/", views.DueView.as_view(), name="archive-due"),
    path("archive/appraisals/", views.AppraisalsView.as_view(), name="archive-appraisals"),
    path(
        "archive/appraisals/pending/",
        views.PendingAppraisalsView.as_view(),
        name="archive-appraisals-pending",
    ),
    path(
        "archive/appraisals/<int:pk>/decide/",
        views.AppraisalDecideView.as_view(),
        name="archive-appraisal-decide",
    ),
    path("archive/destructions/", views.DestructionsView.as_view(), name="archive-destructions"),
    path("archive/transfers/", views.TransfersView.as_view(), name="archive-transfers"),
    path("archive/transfers/verify/", views.TransferVerifyView.as_view(), name="archive-transfer-verify"),
    path(
        "archive/transfers/<int:pk>/package/",
        views.TransferPackageView.as_view(),
        name="archive-transfer-package",
    ),
]
