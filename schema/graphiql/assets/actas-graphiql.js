// actas's GraphiQL page: strawberry's, minus the CDN, the inline script and the token in URLs.
//
// - ?q= and ?variables= open a query (the API's /p/<reference> links do); the URL follows edits.
//   Headers never come from or go to the URL: they carry the API token. GraphiQL keeps them
//   in this browser's localStorage instead (shouldPersistHeaders).
// - Subscriptions go over graphql-transport-ws at the same path; GraphiQL sends the Headers tab
//   (the Authorization header) as the connection_init payload, which is where the API reads it.
"use strict";

const EXAMPLE_QUERY = `# actas GraphiQL
#
# Paste your token into the Headers tab below (actas demo prints it):
#   {"Authorization": "Bearer actas_..."}
# This browser keeps it; the URL never carries it.
#
# Run a query with Ctrl-Enter (or the play button); Ctrl-Space completes.

{
  viewer {
    user { name }
    organisations { slug name }
  }
}
`;

const parameters = Object.fromEntries(new URLSearchParams(window.location.search));

function updateURL(changes) {
  Object.assign(parameters, changes);
  const kept = Object.entries(parameters).filter(([key, value]) => key !== "headers" && value);
  history.replaceState(null, "", "?" + new URLSearchParams(kept).toString());
}

const fetchURL = window.location.href.split(/[?#]/)[0];

function webSocketURL(url) {
  const parsed = new URL(url);
  parsed.protocol = parsed.protocol === "https:" ? "wss:" : "ws:";
  return parsed.toString();
}

const fetcher = GraphiQL.createFetcher({ url: fetchURL, subscriptionUrl: webSocketURL(fetchURL) });
const explorer = GraphiQLPluginExplorer.explorerPlugin();

function ActasGraphiQL() {
  const [query, setQuery] = React.useState(parameters.q || EXAMPLE_QUERY);
  const [variables, setVariables] = React.useState(parameters.variables);
  return React.createElement(GraphiQL, {
    fetcher,
    plugins: [explorer],
    query,
    variables,
    onEditQuery(edited) {
      setQuery(edited);
      updateURL({ q: edited });
    },
    onEditVariables(edited) {
      setVariables(edited);
      updateURL({ variables: edited });
    },
    defaultEditorToolsVisibility: true,
    isHeadersEditorEnabled: true,
    shouldPersistHeaders: true,
    inputValueDeprecation: true,
  });
}

if (parameters.headers) {
  updateURL({}); // an old link's ?headers= (a token) leaves the address bar and history entry
}
ReactDOM.createRoot(document.getElementById("graphiql")).render(
  React.createElement(ActasGraphiQL),
);
