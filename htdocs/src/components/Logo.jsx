export function Logo() {
  return (
    <svg class="logo" viewBox="0 0 32 32" width="28" height="28" aria-hidden="true" focusable="false">
      <rect width="32" height="32" rx="7" class="logo-bg" />
      <path d="M7 23l6-7 5 4 7-10" fill="none" class="logo-line" stroke-width="3" stroke-linecap="round" stroke-linejoin="round" />
    </svg>
  );
}
