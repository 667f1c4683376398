//! Translations (Spanish and English) and locale choice. Every user-visible string lives in `es.rs` and `en.rs`;
//! numbers, money and dates are formatted by the browser's `Intl` (see `intl`, browser only).

mod en;
mod es;
#[cfg(target_arch = "wasm32")]
pub mod intl;

macro_rules! keys {
    ($($key:ident),* $(,)?) => {
        /// A translatable text: its Spanish and English versions. Every key is a constant, so each face's binary
        /// carries only the texts that face uses (the widget must stay small).
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub struct Key {
            es: &'static str,
            en: &'static str,
        }

        #[allow(non_upper_case_globals, missing_docs)]
        impl Key {
            $(pub const $key: Key = Key { es: es::$key, en: en::$key };)*

            /// Every key, for completeness tests.
            pub const ALL: &'static [Key] = &[$(Key::$key),*];
        }
    };
}

keys!(
    AppName,
    DeskTitle,
    PortalTitle,
    WidgetTitle,
    SkipToContent,
    SignInTitle,
    SignInIntro,
    Email,
    Password,
    SignIn,
    SigningIn,
    SignOut,
    SignedInAs,
    WrongCredentials,
    TooManyAttempts,
    ChatTooFast,
    DateIncomplete,
    ShortcutUndo,
    ShortcutClose,
    ShortcutNextDeal,
    ShortcutOpen,
    ShortcutMove,
    ShortcutPick,
    ShortcutHelp,
    ShortcutPalette,
    ShortcutsTitle,
    ActionLogCall,
    ActionThemeSystem,
    ActionThemeLight,
    ActionThemeDark,
    ActionLanguage,
    ActionPipeline,
    ActionNewDeal,
    PaletteKindAction,
    PaletteKindCase,
    PaletteKindDeal,
    PaletteResults,
    PaletteNoResults,
    PaletteHint,
    PaletteLabel,
    PaletteButton,
    MadeFromChat,
    ChatDealName,
    StatusPendingForRep,
    ThemeDark,
    ThemeLight,
    ThemeSystem,
    Theme,
    MovingHelp,
    ConfirmDelete,
    ConfirmDeleteDealBody,
    ConfirmDeleteDeal,
    FiltersDone,
    FiltersCount,
    RemoveFilter,
    FilterChip,
    StageTabs,
    EmailVerified,
    EmailUnverified,
    CaseNeedsVerifiedEmail,
    NetworkError,
    ServerError,
    UnexpectedError,
    Retry,
    Loading,
    Language,
    LanguageName,
    SwitchLanguage,
    BoardTitle,
    PipelineLabel,
    ColumnDeals,
    ColumnTotal,
    ColumnWeighted,
    NoDealsInStage,
    NoCloseDate,
    NoAccount,
    Unassigned,
    ExpectedClose,
    OwnerLabel,
    AccountLabel,
    AmountLabel,
    DaysInStage,
    Rotting,
    StageWon,
    StageLost,
    BoardSummary,
    NoPipelines,
    PortalHeading,
    PortalIntro,
    PortalWhatComes,
    WidgetHeading,
    WidgetIntro,
    WidgetDemoTitle,
    WidgetDemoIntro,
    Filters,
    SearchLabel,
    OwnerFilter,
    AllOwners,
    MyDeals,
    CloseFrom,
    CloseTo,
    AmountMin,
    AmountMax,
    RottingOnly,
    SortLabel,
    SortPosition,
    SortAmountDesc,
    SortAmountAsc,
    SortClose,
    SortNextActivity,
    SortName,
    ClearFilters,
    ViewLabel,
    NoView,
    SaveView,
    ViewName,
    Save,
    Cancel,
    DeleteView,
    ViewSaved,
    MoveToStage,
    MoveToStagePrompt,
    Moved,
    SaveFailed,
    Undo,
    Undone,
    Picked,
    PickedPosition,
    DropCancelled,
    CardHelp,
    DragHandle,
    LostReasonTitle,
    LostReasonIntro,
    LostReasonLabel,
    MarkLost,
    ReasonPrice,
    ReasonCompetitor,
    ReasonBudget,
    ReasonNoAnswer,
    ShowMore,
    QuickAdd,
    DealName,
    Add,
    Created,
    NextActivity,
    Overdue,
    NoActivityPlanned,
    Close,
    PreviousDeal,
    NextDeal,
    StageLabel,
    ProbabilityLabel,
    ProbabilityHint,
    ContactLabel,
    NoContact,
    Saved,
    DeleteDeal,
    DealDeleted,
    Timeline,
    LogActivity,
    ActivityKindLabel,
    KindNote,
    KindCall,
    KindMeeting,
    KindTask,
    KindEmail,
    KindStageChange,
    SubjectLabel,
    NotesLabel,
    DueLabel,
    TaskDone,
    DueOn,
    EmptyTimeline,
    ActivityLogged,
    InvalidAmount,
    Required,
    InvalidProbability,
    DealNotFound,
    DealPanel,
    ByWhom,
    ParticipantsLabel,
    ParticipantsHint,
    GoneError,
    ConflictError,
    ForbiddenError,
    Offline,
    Online,
    PendingChanges,
    AllSaved,
    Syncing,
    FirstSync,
    NeedsReview,
    SessionExpired,
    LogoutPendingTitle,
    LogoutPendingBody,
    LogoutAnyway,
    StorageFull,
    CacheFailed,
    StorageFailed,
    SyncProgress,
    OfflineNoData,
    NotSaved,
    ChangeRefused,
    RetryChange,
    DiscardChange,
    ConflictTitle,
    ConflictIntro,
    ConflictField,
    ConflictMine,
    ConflictTheirs,
    KeepMine,
    TakeTheirs,
    ConflictGone,
    PositionLabel,
    PipelineField,
    LostReasonField,
    CloseDateField,
    Empty,
    ResolveConflict,
    ChangeNotSaved,
    ActiveCases,
    AllCases,
    AllCategories,
    ArticleNotFound,
    AttachFiles,
    AttachHint,
    BackToCases,
    BackToHelpCenter,
    CaseClosed,
    CaseCreated,
    CaseNotFound,
    CaseReopened,
    Categories,
    CategoryBilling,
    CategoryLabel,
    CategoryOrders,
    CategoryOther,
    CategoryTechnical,
    CloseCase,
    Conversation,
    DescriptionLabel,
    DoneCases,
    ExpectedDelivery,
    FileTooBig,
    FileTypeRefused,
    FixFields,
    HelpCenter,
    HelpCenterIntro,
    HelpCenterTitle,
    InternalNote,
    InvalidEmail,
    LineAmount,
    LineDescription,
    LineQuantity,
    LineUnitPrice,
    LinkExpired,
    LinkSent,
    MailNotifications,
    MaybeThisHelps,
    MyCases,
    MyOrders,
    NameLabel,
    NewCase,
    No,
    NoArticles,
    NoCases,
    NoOrders,
    OpenedOn,
    OrderCancelled,
    OrderConfirmed,
    OrderDelivered,
    OrderDraft,
    OrderInvoiced,
    OrderKind,
    OrderLines,
    OrderOther,
    OrderSent,
    OrderShipped,
    PhoneLabel,
    PickScore,
    PortalNav,
    PortalSignInIntro,
    PortalSignInTitle,
    PreferredLanguage,
    PriorityHigh,
    PriorityLabel,
    PriorityLow,
    PriorityNormal,
    PriorityUrgent,
    Profile,
    ProfileSaved,
    Quote,
    RateComment,
    RateHint,
    RateTitle,
    Remove,
    RemoveFile,
    ReopenCase,
    ReplySent,
    Score1,
    Score2,
    Score3,
    Score4,
    Score5,
    Search,
    SearchArticles,
    SearchCases,
    SendLink,
    SendRating,
    SendReply,
    Sending,
    SignInToOpenCase,
    SignedInWith,
    StatusClosed,
    StatusLabel,
    StatusNew,
    StatusOpen,
    StatusPending,
    StatusResolved,
    StillNeedHelp,
    SubmitCase,
    Subtotal,
    Tax,
    ThanksForFeedback,
    ThanksForRating,
    TooManyFiles,
    TooManyLinks,
    Total,
    UpdatedAt,
    UploadFailed,
    Uploading,
    ValidUntil,
    WasItHelpful,
    WriteSomething,
    Yes,
    YourRating,
    YourReply,
    AnyPriority,
    AssigneeLabel,
    Anyone,
    AssignedToMe,
    SlaLabel,
    AnySla,
    SlaOverdue,
    SlaDueSoon,
    SlaWasDue,
    Answered,
    CaseQueue,
    CaseLabel,
    CustomerLabel,
    BackToQueue,
    CaseDetails,
    CustomerRating,
    CompanyAdmin,
    OtherCases,
    ReplyKind,
    PublicReply,
    NoteForTeam,
    ReplyToCustomer,
    AddNote,
    KnowledgeBase,
    NewArticle,
    EditArticle,
    TitleLabel,
    Helpful,
    Deflections,
    Published,
    Draft,
    FormatLabel,
    FormatMarkup,
    FormatText,
    BodyLabel,
    MarkupHelp,
    PublishInPortal,
    Preview,
    DeskNav,
    Pipeline,
    Cases,
    CloseChat,
    PreChatIntro,
    StartChat,
    MessageLeft,
    NobodyThere,
    YourMessage,
    LeaveMessage,
    NotSent,
    RepTyping,
    SeenByRep,
    ChatEnded,
    WriteHere,
    Send,
    ChatWelcome,
    RateChat,
    Inbox,
    InboxTitle,
    NoConversations,
    WaitingFor,
    UnreadCount,
    VisitorAnonymous,
    VisitorTyping,
    CloseConversation,
    ReopenConversation,
    ConvertTo,
    ConvertContact,
    ConvertDeal,
    ConvertCase,
    Converted,
    NewConversation,
    PickConversation,
    Closed,
    VisitorDetails,
    ChatReply,
    SiteUserId,
    WidgetNoSite,
    BackendLabel,
    BackendTrato,
    BackendTryton,
    BackendUrl,
    BackendDatabase,
    BackendIncomplete,
    UserLogin,
    MoveRefused,
    NotSupportedHere,
);

/// A user-interface language.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum Locale {
    /// Spanish (the default: our first users speak Spanish).
    #[default]
    Es,
    /// English.
    En,
}

impl Locale {
    /// Every supported locale.
    pub const ALL: [Locale; 2] = [Locale::Es, Locale::En];

    /// BCP 47 tag, for `lang` attributes and `Intl`.
    pub fn tag(self) -> &'static str {
        match self {
            Locale::Es => "es-ES",
            Locale::En => "en-GB",
        }
    }

    /// Two-letter code, as stored in preferences.
    pub fn code(self) -> &'static str {
        match self {
            Locale::Es => "es",
            Locale::En => "en",
        }
    }

    /// The locale for a two-letter code or a BCP 47 tag, if supported.
    pub fn from_tag(tag: &str) -> Option<Locale> {
        let primary = tag.split(['-', '_']).next().unwrap_or("").to_ascii_lowercase();
        match primary.as_str() {
            "es" => Some(Locale::Es),
            "en" => Some(Locale::En),
            _ => None,
        }
    }

    /// The first supported locale among the browser's preferred languages; Spanish when none is supported.
    pub fn negotiate<S: AsRef<str>>(preferred: &[S]) -> Locale {
        preferred.iter().find_map(|tag| Locale::from_tag(tag.as_ref())).unwrap_or_default()
    }

    /// The text of `key` in this locale.
    pub fn t(self, key: Key) -> &'static str {
        match self {
            Locale::Es => key.es,
            Locale::En => key.en,
        }
    }

    /// The text of `key` with `{name}` placeholders replaced.
    pub fn tf(self, key: Key, args: &[(&str, &str)]) -> String {
        let mut text = self.t(key).to_string();
        for (name, value) in args {
            text = text.replace(&format!("{{{name}}}"), value);
        }
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn placeholders(text: &str) -> Vec<String> {
        let mut names: Vec<String> =
            text.split('{').skip(1).filter_map(|part| part.split_once('}')).map(|(name, _)| name.to_string()).collect();
        names.sort();
        names
    }

    #[test]
    fn every_key_is_translated_with_the_same_placeholders() {
        for key in Key::ALL {
            let es = Locale::Es.t(*key);
            let en = Locale::En.t(*key);
            assert!(!es.trim().is_empty() && !en.trim().is_empty(), "{key:?} is empty");
            assert_eq!(placeholders(es), placeholders(en), "{key:?} placeholders differ");
        }
    }

    #[test]
    fn negotiation_prefers_the_first_supported_language() {
        assert_eq!(Locale::negotiate(&["fr-FR", "en-US", "es"]), Locale::En);
        assert_eq!(Locale::negotiate(&["es-MX"]), Locale::Es);
        assert_eq!(Locale::negotiate(&["de"]), Locale::Es);
        assert_eq!(Locale::negotiate::<&str>(&[]), Locale::Es);
        assert_eq!(Locale::Es.tf(Key::DaysInStage, &[("days", "3")]), "3 d en la etapa");
    }
}
