import ExpandMoreIcon from '@mui/icons-material/ExpandMore';
import { Accordion, AccordionDetails, AccordionSummary, Box, Typography } from '@mui/material';

/** Collapsed JSON (manifests, suite definitions, protocols): there when needed, out of the way otherwise. */
export const JsonBlock = ({ title, value, defaultExpanded = false }: { title: string; value: unknown; defaultExpanded?: boolean }) => (
  <Accordion
    disableGutters
    elevation={0}
    defaultExpanded={defaultExpanded}
    sx={{ '&:before': { display: 'none' }, bgcolor: 'transparent' }}
  >
    <AccordionSummary expandIcon={<ExpandMoreIcon />} sx={{ px: 0, minHeight: 0 }}>
      <Typography variant="body2" color="text.secondary">
        {title}
      </Typography>
    </AccordionSummary>
    <AccordionDetails sx={{ px: 0 }}>
      <Box component="pre" sx={{ m: 0, p: 1.5, borderRadius: 1, bgcolor: 'action.hover', fontSize: 12, overflow: 'auto', maxHeight: 400 }}>
        {JSON.stringify(value, null, 2)}
      </Box>
    </AccordionDetails>
  </Accordion>
);
