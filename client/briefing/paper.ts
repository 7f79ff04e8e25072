/**
 * Screen-only rules added to the briefing inside the app: the document as a sheet of paper
 * on a grey desk, the marking band kept in view. Printing and exports are unaffected (the
 * exported file carries the server's stylesheet alone).
 */
export const paperCss = `
@media screen {
  html { background: #e8e8e4; }
  body { padding-bottom: 2.5rem; }
  .marking-top { position: sticky; top: 0; z-index: 2; box-shadow: 0 1px 3px rgba(0, 0, 0, .18); }
  .marking-bottom { margin-top: 2.5rem; }
  article { background: #fff; margin: 2rem auto 0; padding: 3.2rem 3.4rem 3.5rem; max-width: 60rem;
    box-shadow: 0 1px 2px rgba(0, 0, 0, .08), 0 6px 24px rgba(0, 0, 0, .10); border-radius: 2px; }
  /* Tables stay on the sheet: columns wrap first, then the table scrolls inside it. */
  .table-wrap { position: static; transform: none; width: auto; min-width: 0; max-width: 100%; overflow-x: auto; }
}
@media screen and (max-width: 52rem) {
  article { margin: 0; padding: 1.5rem 1.2rem; box-shadow: none; }
}
`;
